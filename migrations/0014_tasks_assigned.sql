-- 0014 tasks assigned: a lead's, manager's or HQ's list of the tasks they set up for
-- someone else (我发起的), open by planned time and done/cancelled newest first, each
-- one range of the creator's index like the responsible's own lists in 0006.
CREATE INDEX tasks_creator_open ON tasks (created_by, planned_at) WHERE status = 'open';
CREATE INDEX tasks_creator_closed ON tasks (created_by, closed_at) WHERE closed_at IS NOT NULL;
