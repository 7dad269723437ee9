"""The event table: written in the transaction of each change (outbox), positioned after commit
(sequencer), read in order after a position (reader)."""
