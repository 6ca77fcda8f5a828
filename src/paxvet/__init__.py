"""paxvet: vet airline travellers against watchlists before they land."""

__version__ = "0.1.0"
