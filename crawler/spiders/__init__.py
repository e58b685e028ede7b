"""Spiders, one per CMS family; each takes a registry ``Site``."""
