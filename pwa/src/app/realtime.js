// Live messages from the server (Socket.IO): one connection per signed-in page, authenticated with
// the access token, joined by the server to the user's, enterprise's and district's rooms.
// Screens subscribe with `onMessage('declaration.receipt', handler)` and unsubscribe on unmount;
// the client library is loaded only when a screen first subscribes.
import { tokenStore, whenAuthLost } from './tokens.js'

let socketPromise = null
let currentSocket = null // the socket of this page's connection, until disconnect()
const handlers = new Map() // event name -> Set of handlers
const watchers = new Set() // functions told true/false when the connection comes up or drops
let isConnected = false

function setConnected(value) {
  isConnected = value
  for (const watcher of watchers) watcher(value)
}

async function connect() {
  const { io } = await import('socket.io-client')
  const socket = io({
    transports: ['websocket', 'polling'],
    // Read on every (re)connection attempt, so a refreshed token is used after a reconnect. Sent in
    // the auth payload only: the server refuses a token in the URL (it would end up in logs).
    auth: (cb) => tokenStore.get().then((tokens) => cb({ token: tokens?.access_token })),
  })
  socket.on('connect', () => setConnected(true))
  // The server closes a socket whose token was revoked or expired (and then Socket.IO does not
  // reconnect by itself): try again with the stored token, which a refresh may have renewed; a
  // refused attempt is retried later until the page signs out (whenAuthLost → disconnect()).
  const retry = (delay) =>
    setTimeout(() => {
      if (currentSocket === socket && !socket.connected) socket.connect()
    }, delay)
  socket.on('disconnect', (reason) => {
    setConnected(false)
    if (reason === 'io server disconnect') retry(2000)
  })
  socket.on('connect_error', () => {
    if (!socket.active) retry(30000)
  })
  currentSocket = socket
  socket.onAny((event, data) => {
    for (const handler of handlers.get(event) ?? []) handler(data)
  })
  return socket
}

/** Call `handler(data)` for every `event` message; returns the unsubscribe function. */
export function onMessage(event, handler) {
  if (!handlers.has(event)) handlers.set(event, new Set())
  handlers.get(event).add(handler)
  socketPromise ??= connect()
  return () => handlers.get(event)?.delete(handler)
}

/** Resolves once the live connection is up (tests and "live" indicators use it). */
export async function connected() {
  socketPromise ??= connect()
  const socket = await socketPromise
  if (socket.connected) return true
  return new Promise((resolve) => socket.once('connect', () => resolve(true)))
}

/**
 * Call `watcher(isConnected)` now and whenever the live connection comes up or drops (Socket.IO
 * reconnects by itself); returns the unsubscribe function. For "live / reconnecting" indicators.
 */
export function onConnectionChange(watcher) {
  watchers.add(watcher)
  socketPromise ??= connect()
  watcher(isConnected)
  return () => watchers.delete(watcher)
}

function disconnect() {
  const pending = socketPromise
  socketPromise = null
  currentSocket = null
  setConnected(false)
  pending?.then((socket) => socket.disconnect())
}

whenAuthLost(disconnect)
export { disconnect }
