// API paths the screens use, in one place. Screens show local data first, then what these answer.
export const ENDPOINTS = Object.freeze({
  login: '/api/v1/auth/login',
  logout: '/api/v1/auth/logout',
  me: '/api/v1/auth/me',
  instructions: '/api/v1/instructions', // the inspector's instructions
  declarations: '/api/v1/declarations', // the enterprise's applications
  reviewQueue: '/api/v1/review/queue', // the reviewer's queue
})
