import type { Sql, Tx } from '$lib/server/db';

/** The pool or a transaction: most reads work in either. */
export type Queryable = Sql | Tx;
