// A minimal event emitter: sync modules announce what happened; the UI decides how to show it.
export function createEmitter() {
  const listeners = new Map()
  const fail = (event, error) => console.error(`outbox listener for "${event}" failed`, error) // a broken listener must not stop the queue
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
          fail(event, error)
        }
      }
    },
    /**
     * Emit and wait for the listeners' promises (e.g. one batch's "sent" events, one after the
     * other, so listeners updating the same local document never overlap).
     */
    async emitAsync(event, detail) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          await listener(detail)
        } catch (error) {
          fail(event, error)
        }
      }
    },
  }
}
