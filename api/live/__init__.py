"""Live events: committed event rows handed to subscribers, in one process or across several."""
