// API paths the screens use, in one place. Paths marked "planned" are being built by other teams;
// screens call them and show local data with an empty state until they answer.
export const ENDPOINTS = Object.freeze({
  login: '/api/v1/auth/login',
  logout: '/api/v1/auth/logout',
  me: '/api/v1/auth/me',
  instructions: '/api/v1/instructions', // planned: the inspector's instructions
  declarations: '/api/v1/declarations', // planned: the enterprise's applications
  reviewQueue: '/api/v1/review/queue', // planned: the reviewer's queue
})
