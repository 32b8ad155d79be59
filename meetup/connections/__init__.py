"""Connections on the web: asking, answering, my network, blocks, vCards."""
