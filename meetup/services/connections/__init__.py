"""Connections: who attended what (attendance), asking, answering and the
network (connections), blocks (blocks) and contact cards (vcards)."""
