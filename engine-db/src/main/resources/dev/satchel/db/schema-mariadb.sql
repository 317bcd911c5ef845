-- Django's session table on MariaDB and MySQL, as `manage.py sqlmigrate sessions 0001` prints it.
-- Satchel runs it at start when the table is missing (satchel.db.create-table=true) after replacing
-- {table}, {expire_date_index} and {session_key_like_index} with the configured table name and the
-- index names Django derives from it. Run it yourself (with the names filled in) when that is off.
CREATE TABLE `{table}` (`session_key` varchar(40) NOT NULL PRIMARY KEY, `session_data` longtext NOT NULL, `expire_date` datetime(6) NOT NULL);
CREATE INDEX `{expire_date_index}` ON `{table}` (`expire_date`);
