import { describe, expect, it, vi } from 'vitest'
import { createUpdatePrompt } from '../src/pwa/update.js'

/** A stand-in for vite-plugin-pwa's registerSW that lets the test play the browser. */
function fakeRegister() {
  const updateSW = vi.fn(async () => {})
  const register = vi.fn((options) => {
    register.options = options
    return updateSW
  })
  return { register, updateSW }
}

describe('new-version prompt', () => {
  it('registers immediately and asks before swapping to a waiting version', async () => {
    const { register, updateSW } = fakeRegister()
    const prompt = createUpdatePrompt({ register, every: vi.fn() })
    const changes = []
    prompt.on('change', (state) => changes.push(state.needRefresh))
    prompt.start()
    expect(register.options.immediate).toBe(true)
    expect(prompt.state.needRefresh).toBe(false)

    register.options.onNeedRefresh() // a new service worker is installed and waiting
    expect(prompt.state.needRefresh).toBe(true)
    expect(updateSW).not.toHaveBeenCalled() // never a silent swap

    await prompt.accept()
    expect(updateSW).toHaveBeenCalledWith(true) // skip waiting, then reload
    expect(prompt.state.needRefresh).toBe(false)
    expect(changes).toEqual([true, false])
  })

  it('"later" hides the prompt and keeps the running version', () => {
    const { register, updateSW } = fakeRegister()
    const prompt = createUpdatePrompt({ register, every: vi.fn() })
    prompt.start()
    register.options.onNeedRefresh()
    prompt.dismiss()
    expect(prompt.state.needRefresh).toBe(false)
    expect(updateSW).not.toHaveBeenCalled()
  })

  it('reports offline readiness and checks for updates periodically', () => {
    const { register } = fakeRegister()
    const every = vi.fn()
    const prompt = createUpdatePrompt({ register, every, checkIntervalMs: 1000 })
    prompt.start()
    register.options.onOfflineReady()
    expect(prompt.state.offlineReady).toBe(true)
    const registration = { update: vi.fn() }
    register.options.onRegisteredSW('/sw.js', registration)
    expect(every).toHaveBeenCalledWith(expect.any(Function), 1000)
    every.mock.calls[0][0]()
    expect(registration.update).toHaveBeenCalledOnce()
  })

  it('refuses to accept before registration', async () => {
    const prompt = createUpdatePrompt({ register: vi.fn(), every: vi.fn() })
    await expect(prompt.accept()).rejects.toThrow(/not registered/)
  })
})
