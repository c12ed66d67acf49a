//! Marketing tasks (营销任务, TASK-1..5): the task life cycle, its validation, and its SQL.
