"""What every part of xxgk may import, and which imports none of them: the installation's
home, the database engine and declarative base, the clock, process identity and digests."""
