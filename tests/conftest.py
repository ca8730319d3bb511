"""Shared test setup: this folder is on sys.path (pytest's default import mode puts a
root conftest's folder there), so every test area can import `stock_bodies`."""
