-- The search index holds every invitation's email and name. By default FTS5
-- only marks an entry deleted and removes it at a later merge; with
-- secure-delete it takes the entry out of its index pages at once, which
-- the pragma secure_delete then zeroes like any deleted row.
INSERT INTO invitation_search(invitation_search, rank) VALUES ('secure-delete', 1);
