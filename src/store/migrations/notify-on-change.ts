/**
 * PostgreSQL statements that make every statement writing `table` send one NOTIFY on the channel
 * `keyward_<table>` (delivered on commit, once per transaction however many statements sent it), for the nodes
 * that cache what the table holds. Migrations that shipped call this: its text must stay exactly as it is.
 */
export function notifyOnChange(table: string): string[] {
  return [
    `CREATE FUNCTION keyward_${table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('keyward_${table}', '');
      RETURN NULL;
    END
    $$`,
    `CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION keyward_${table}_changed()`,
  ]
}
