"""Huzhu 互助: a self-hostable platform for Chinese mutual-aid groups."""

__version__ = "0.1.0"
