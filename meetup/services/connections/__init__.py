"""Connections: asking and answering (asking), the pair lock and connecting
(pairs), their emails (mails), ticks (ticks), the network (network), blocks
(blocks), contact cards (vcards) and the connections' part of My data
(personal_data). Who may ask or tick whom is services.privacy's."""
