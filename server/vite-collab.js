/**
 * In development the collaboration websocket shares Vite's HTTP server. The handler is loaded
 * through Vite's SSR module graph so it uses the same database and rooms as SvelteKit.
 * @returns {import('vite').Plugin}
 */
export function collabDevServer() {
	return {
		name: 'mou-studio-collab',
		apply: 'serve',
		configureServer(server) {
			server.httpServer?.on('upgrade', async (req, socket, head) => {
				if (!req.url?.startsWith('/collab/')) return;
				const runtime = await server.ssrLoadModule('/src/lib/server/runtime.ts');
				const app = await runtime.getRuntime();
				app.collab.handleUpgrade(req, socket, head);
			});
		}
	};
}
