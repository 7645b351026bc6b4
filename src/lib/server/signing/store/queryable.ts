import type { PendingQuery, Row } from 'postgres';
import type { Sql, Tx } from '$lib/server/db';

/** The pool or a transaction: most reads work in either. */
export type Queryable = Sql | Tx;

/** The columns a table's rows are read through, as a fragment of the query they go into. */
export type Columns = PendingQuery<Row[]>;

/** Reading one row of `table` by its id, through `columns`: either as it stands, or locked for the rest of a transaction. */
export function byId<T extends object>(table: string, columns: (sql: Queryable) => Columns) {
	return {
		/** The row with this id, or null. */
		async find(sql: Queryable, id: string): Promise<T | null> {
			const [row] = await sql<T[]>`select ${columns(sql)} from ${sql(table)} where id = ${id}`;
			return row ?? null;
		},
		/** The row with this id locked FOR UPDATE until the transaction ends, or null. */
		async lock(tx: Tx, id: string): Promise<T | null> {
			const [row] = await tx<T[]>`select ${columns(tx)} from ${tx(table)} where id = ${id} for update`;
			return row ?? null;
		}
	};
}
