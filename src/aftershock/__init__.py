"""aftershock: find out what falls when your cloud shakes."""
