"""Kechuang (科创): an open platform for regional science-and-technology innovation services.

Layers, from the bottom up: ``domain`` → ``store`` / ``match`` / ``metrics`` → ``services`` →
``exchange`` → ``api`` / ``web`` → ``app`` → ``cli``. See ``docs/architecture.md``.
"""

__version__ = "0.1.0"
