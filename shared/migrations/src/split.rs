//! Splitting an SQL script into single statements, for drivers that run one statement
//! per call (`spin:sqlite`'s `execute`).

/// Splits `sql` into its statements, in order, each trimmed and without its `;`.
///
/// - `'…'` strings and `"…"`, `` `…` `` and `[…]` identifiers are copied verbatim, a
///   doubled quote being part of the text: a `;` inside never splits;
/// - `-- …` and `/* … */` comments are removed (a block comment leaves a space, so it
///   never glues two tokens together);
/// - a `CREATE [TEMP|TEMPORARY] TRIGGER … BEGIN … END;` stays one statement: its body's
///   `;` do not split, `CASE … END` inside it is tracked so its `END` does not close the
///   body;
/// - statements left empty (`;;`, comment-only text) are dropped.
///
/// An unterminated string or comment runs to the end of the script; the database then
/// reports the error.
pub fn split_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut trigger = TriggerTracker::default();
    let mut chars = sql.chars().peekable();

    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                current.push(c);
                while let Some(next) = chars.next() {
                    current.push(next);
                    if next == c {
                        if chars.peek() == Some(&c) {
                            current.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                trigger.other_token();
            }
            '[' => {
                current.push(c);
                for next in chars.by_ref() {
                    current.push(next);
                    if next == ']' {
                        break;
                    }
                }
                trigger.other_token();
            }
            '-' if chars.peek() == Some(&'-') => {
                while chars.next_if(|&next| next != '\n').is_some() {}
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = '\0';
                for next in chars.by_ref() {
                    if previous == '*' && next == '/' {
                        break;
                    }
                    previous = next;
                }
                current.push(' ');
            }
            ';' if trigger.depth == 0 => {
                finish(&mut statements, &mut current);
                trigger = TriggerTracker::default();
            }
            c if is_word_char(c) => {
                let mut word = String::from(c);
                while let Some(next) = chars.next_if(|&next| is_word_char(next)) {
                    word.push(next);
                }
                trigger.word(&word);
                current.push_str(&word);
            }
            c => {
                if !c.is_whitespace() {
                    trigger.other_token();
                }
                current.push(c);
            }
        }
    }
    finish(&mut statements, &mut current);
    statements
}

fn finish(statements: &mut Vec<String>, current: &mut String) {
    let statement = current.trim();
    if !statement.is_empty() {
        statements.push(statement.to_owned());
    }
    current.clear();
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

/// Recognises `CREATE [TEMP|TEMPORARY] TRIGGER` from a statement's leading tokens, then
/// counts `BEGIN`/`CASE` against `END` so `;` inside the body do not end the statement.
#[derive(Default)]
struct TriggerTracker {
    /// Tokens seen so far in this statement.
    tokens: usize,
    create: bool,
    temp: bool,
    in_trigger: bool,
    /// Open `BEGIN`/`CASE` blocks; a `;` splits only at 0.
    depth: u32,
}

impl TriggerTracker {
    fn word(&mut self, word: &str) {
        let is = |keyword: &str| word.eq_ignore_ascii_case(keyword);
        match self.tokens {
            0 => self.create = is("CREATE"),
            1 if self.create => {
                self.temp = is("TEMP") || is("TEMPORARY");
                self.in_trigger = is("TRIGGER");
            }
            2 if self.create && self.temp => self.in_trigger = is("TRIGGER"),
            _ if self.in_trigger => {
                if is("BEGIN") || is("CASE") {
                    self.depth += 1;
                } else if is("END") {
                    self.depth = self.depth.saturating_sub(1);
                }
            }
            _ => {}
        }
        self.tokens += 1;
    }

    fn other_token(&mut self) {
        self.tokens += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn splits() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("empty script", "", &[]),
            ("whitespace only", " \n\t ", &[]),
            ("semicolons only", ";; ;\n;", &[]),
            ("one statement without ;", "SELECT 1", &["SELECT 1"]),
            ("one statement with ;", "SELECT 1;", &["SELECT 1"]),
            (
                "two statements",
                "SELECT 1; SELECT 2;",
                &["SELECT 1", "SELECT 2"],
            ),
            (
                "multi-line statements are trimmed",
                "\n  CREATE TABLE a (\n    x INTEGER\n  );\n\n  INSERT INTO a VALUES (1);\n",
                &[
                    "CREATE TABLE a (\n    x INTEGER\n  )",
                    "INSERT INTO a VALUES (1)",
                ],
            ),
            (
                "; inside a string",
                "INSERT INTO t VALUES ('a;b'); SELECT 2",
                &["INSERT INTO t VALUES ('a;b')", "SELECT 2"],
            ),
            (
                "doubled single quote",
                "INSERT INTO t VALUES ('it''s; fine'); SELECT 2",
                &["INSERT INTO t VALUES ('it''s; fine')", "SELECT 2"],
            ),
            (
                "string that is only a doubled quote",
                "SELECT ''''; SELECT 2",
                &["SELECT ''''", "SELECT 2"],
            ),
            (
                "empty string",
                "SELECT ''; SELECT 2",
                &["SELECT ''", "SELECT 2"],
            ),
            (
                "double-quoted identifier with ; and doubled quote",
                r#"CREATE TABLE "we""ird;name" (x); SELECT 2"#,
                &[r#"CREATE TABLE "we""ird;name" (x)"#, "SELECT 2"],
            ),
            (
                "backtick and bracket identifiers",
                "SELECT `a;b`, [c;d] FROM t; SELECT 2",
                &["SELECT `a;b`, [c;d] FROM t", "SELECT 2"],
            ),
            (
                "comment markers inside strings are text",
                "SELECT '-- not a comment', '/* nor this */'; SELECT 2",
                &["SELECT '-- not a comment', '/* nor this */'", "SELECT 2"],
            ),
            (
                "line comment with ;",
                "SELECT 1; -- a comment; with a semicolon\nSELECT 2;",
                &["SELECT 1", "SELECT 2"],
            ),
            (
                "line comment inside a statement",
                "CREATE TABLE a ( -- the table; really\n  x INTEGER\n);",
                &["CREATE TABLE a ( \n  x INTEGER\n)"],
            ),
            (
                "comment-only script",
                "-- nothing here;\n/* nor; here */\n",
                &[],
            ),
            (
                "trailing line comment without newline",
                "SELECT 1; -- done",
                &["SELECT 1"],
            ),
            (
                "block comment with ; spanning lines",
                "SELECT 1 /* one;\n two; */ + 1; SELECT 2",
                &["SELECT 1   + 1", "SELECT 2"],
            ),
            ("block comment between tokens", "SELECT/**/1", &["SELECT 1"]),
            (
                "block comment ending with **/",
                "SELECT 1 /* x **/; SELECT 2",
                &["SELECT 1", "SELECT 2"],
            ),
            (
                "unterminated block comment",
                "SELECT 1; /* open; forever",
                &["SELECT 1"],
            ),
            (
                "unterminated string runs to the end",
                "SELECT 1; SELECT 'open; forever",
                &["SELECT 1", "SELECT 'open; forever"],
            ),
            (
                "single dash and slash are operators",
                "SELECT 4 - 1 / 2; SELECT -1",
                &["SELECT 4 - 1 / 2", "SELECT -1"],
            ),
            (
                "non-ASCII text",
                "INSERT INTO app_meta VALUES ('名称', '展业；测试'); SELECT 2",
                &[
                    "INSERT INTO app_meta VALUES ('名称', '展业；测试')",
                    "SELECT 2",
                ],
            ),
            (
                "trigger body stays whole",
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO log VALUES (1);\n  UPDATE b SET n = n + 1;\nEND;\nSELECT 2;",
                &[
                    "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO log VALUES (1);\n  UPDATE b SET n = n + 1;\nEND",
                    "SELECT 2",
                ],
            ),
            (
                "temp trigger, lower case, if not exists",
                "create temp trigger if not exists t before delete on a begin select 1; end; select 2",
                &[
                    "create temp trigger if not exists t before delete on a begin select 1; end",
                    "select 2",
                ],
            ),
            (
                "TEMPORARY trigger",
                "CREATE TEMPORARY TRIGGER t AFTER UPDATE ON a BEGIN SELECT 1; END; SELECT 2",
                &[
                    "CREATE TEMPORARY TRIGGER t AFTER UPDATE ON a BEGIN SELECT 1; END",
                    "SELECT 2",
                ],
            ),
            (
                "CASE … END inside a trigger body",
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN new.y THEN 1 ELSE 0 END; SELECT 1; END; SELECT 2",
                &[
                    "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN new.y THEN 1 ELSE 0 END; SELECT 1; END",
                    "SELECT 2",
                ],
            ),
            (
                "CASE … END in a trigger's WHEN clause",
                "CREATE TRIGGER t AFTER INSERT ON a WHEN CASE new.x WHEN 1 THEN 1 END BEGIN SELECT 1; END; SELECT 2",
                &[
                    "CREATE TRIGGER t AFTER INSERT ON a WHEN CASE new.x WHEN 1 THEN 1 END BEGIN SELECT 1; END",
                    "SELECT 2",
                ],
            ),
            (
                "RAISE and strings with END inside a trigger",
                "CREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'the END; of it'); END; SELECT 2",
                &[
                    "CREATE TRIGGER t BEFORE DELETE ON a BEGIN SELECT RAISE(ABORT, 'the END; of it'); END",
                    "SELECT 2",
                ],
            ),
            (
                "comment with END inside a trigger",
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN -- END;\n SELECT 1; END; SELECT 2",
                &[
                    "CREATE TRIGGER t AFTER INSERT ON a BEGIN \n SELECT 1; END",
                    "SELECT 2",
                ],
            ),
            (
                "keywords only count as whole words",
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET ending = 1, legend = 2; END; SELECT 2",
                &[
                    "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET ending = 1, legend = 2; END",
                    "SELECT 2",
                ],
            ),
            (
                "transaction BEGIN/END are ordinary statements",
                "BEGIN; SELECT 1; END; BEGIN TRANSACTION; COMMIT",
                &["BEGIN", "SELECT 1", "END", "BEGIN TRANSACTION", "COMMIT"],
            ),
            (
                "CASE outside triggers does not hold a ;",
                "SELECT CASE WHEN 1 THEN 2 END; SELECT 3",
                &["SELECT CASE WHEN 1 THEN 2 END", "SELECT 3"],
            ),
            (
                "TRIGGER not in second place is not a trigger",
                "CREATE TABLE trigger_log (x); SELECT 'BEGIN'; DROP TRIGGER t; SELECT 2",
                &[
                    "CREATE TABLE trigger_log (x)",
                    "SELECT 'BEGIN'",
                    "DROP TRIGGER t",
                    "SELECT 2",
                ],
            ),
            (
                "a column named begin in a CREATE TABLE does not hold a ;",
                "CREATE TABLE \"begin\" (x); SELECT 2",
                &["CREATE TABLE \"begin\" (x)", "SELECT 2"],
            ),
            (
                "CRLF line endings",
                "SELECT 1;\r\n-- note\r\nSELECT 2;\r\n",
                &["SELECT 1", "SELECT 2"],
            ),
        ];
        for (label, input, expected) in cases {
            assert_eq!(split_statements(input), *expected, "{label}");
        }
    }

    #[test]
    fn two_triggers_in_a_row() {
        let sql = "CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1; END;\n\
                   CREATE TRIGGER b AFTER INSERT ON t BEGIN SELECT 2; SELECT 3; END;\n\
                   INSERT INTO t VALUES (1);";
        assert_eq!(
            split_statements(sql),
            vec![
                "CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1; END",
                "CREATE TRIGGER b AFTER INSERT ON t BEGIN SELECT 2; SELECT 3; END",
                "INSERT INTO t VALUES (1)",
            ]
        );
    }
}
