// Failures shared by the API client and the outbox.

/** The `send` function failed before any HTTP answer (no network, server down, DNS…). */
export class OfflineError extends Error {
  constructor(message = 'offline', options) {
    super(message, options)
    this.name = 'OfflineError'
  }
}

/** Authentication is gone (refresh failed): stop until the user signs in again. */
export class AuthRequiredError extends Error {
  constructor(message = 'authentication required') {
    super(message)
    this.name = 'AuthRequiredError'
  }
}

/** The inspector paused photo upload (metered link): the upload stops between chunks and waits. */
export class PausedError extends Error {
  constructor(message = 'photo upload paused') {
    super(message)
    this.name = 'PausedError'
  }
}
