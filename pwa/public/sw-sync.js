// Background Sync for the outbox (imported by the generated service worker). The page registers
// the tag when something is queued; when the browser sees the network come back it fires `sync`
// here, and the worker asks every open page of the app to drain its outbox. The page drives
// sync (it holds the tokens and the queue logic); the worker sends nothing itself.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'chajian-outbox') return
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((clients) => {
      for (const client of clients) client.postMessage({ type: 'chajian:sync' })
    }),
  )
})
