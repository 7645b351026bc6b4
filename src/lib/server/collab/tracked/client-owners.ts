import type { Sql } from '../../db';

/** null: a client id the server itself wrote with (a decision applied on someone's behalf). */
export type ClientOwner = string | null;

export interface ClientBinding {
	client: number;
	userId: ClientOwner;
	party: string | null;
}

/**
 * Which person each Yjs client id of a document belongs to. A client id is bound at its first
 * stored update; afterwards only that person may write with it, so attribution in the history
 * and the compare view is what the server saw, not what a browser claims.
 */
export class ClientOwners {
	private readonly owners = new Map<number, ClientOwner>();
	private unsaved: ClientBinding[] = [];

	constructor(
		private readonly sql: Sql,
		private readonly mouId: string
	) {}

	async load(): Promise<void> {
		const rows = await this.sql<{ client_id: string; user_id: string | null }[]>`
			select client_id, user_id from mou_clients where mou_id = ${this.mouId}`;
		for (const row of rows) this.owners.set(Number(row.client_id), row.user_id);
	}

	private reloading: Promise<void> | null = null;

	/** Loads again (other instances bound new clients), one load at a time; `track` keeps it for shutdown. */
	reload(track: (task: Promise<unknown>) => void, report: (error: unknown) => void): void {
		if (this.reloading) return;
		this.reloading = this.load()
			.catch(report)
			.finally(() => (this.reloading = null));
		track(this.reloading);
	}

	/** undefined when the client id has never been bound (as far as this instance knows). */
	ownerOf(client: number): ClientOwner | undefined {
		return this.owners.get(client);
	}

	bind(binding: ClientBinding): void {
		if (this.owners.has(binding.client)) return;
		this.owners.set(binding.client, binding.userId);
		this.unsaved.push(binding);
	}

	/** Whether bindings wait to be stored (save would write them). */
	get hasUnsaved(): boolean {
		return this.unsaved.length > 0;
	}

	/** Stores the bindings made since the last call; before the updates written with them. */
	async save(): Promise<void> {
		if (this.unsaved.length === 0) return;
		const bindings = this.unsaved;
		this.unsaved = [];
		try {
			await this.sql`
				insert into mou_clients (mou_id, client_id, user_id, party)
				select ${this.mouId}, client_id, user_id, party
				from unnest(${bindings.map((b) => b.client)}::bigint[], ${bindings.map((b) => b.userId) as string[]}::uuid[],
					${bindings.map((b) => b.party) as string[]}::text[]) as b (client_id, user_id, party)
				on conflict (mou_id, client_id) do nothing`;
		} catch (error) {
			this.unsaved = [...bindings, ...this.unsaved];
			throw error;
		}
	}
}
