"""orderhub: a self-hosted order desk."""

__version__ = "0.1.0"
