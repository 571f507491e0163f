// A minimal event emitter: sync modules announce what happened; the UI decides how to show it.
export function createEmitter() {
  const listeners = new Map()
  return {
    /** Listen to `event`; returns a function that stops listening. */
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event).add(listener)
      return () => listeners.get(event)?.delete(listener)
    },
    emit(event, detail) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          listener(detail)
        } catch (error) {
          // A broken listener must not stop the queue.
          console.error(`outbox listener for "${event}" failed`, error)
        }
      }
    },
  }
}
