/* cascaded backup and cascaded restore: copies of a data directory's
 * database made without a running server (or beside one: SQLite lets a
 * reader copy a database another process writes); cascaded migrate: the
 * data directory's database copied into an empty PostgreSQL database. */
#ifndef CASCADE_DATA_TOOLS_H
#define CASCADE_DATA_TOOLS_H

/* Runs `cascaded backup --data DIR OUT`, `cascaded restore --data DIR
 * FILE` or `cascaded migrate --from DIR --to URL` (argv[0] names which). Prints what it did or why not;
 * returns the exit status (0, 1 failure, 2 usage). */
int data_tool_main(int argc, char **argv);

#endif
