// The one way to build a local-first list (app/localFirst.js): the kept copy first, then the
// server's first page, kept for the next offline start. Mounted with a DOM-less Vue renderer.
import { createRenderer, h } from 'vue'
import { describe, expect, it } from 'vitest'
import { useLocalFirstList } from '../src/app/localFirst.js'
import { appDb, kvGet, kvSet } from '../src/db/index.js'
import { OfflineError } from '../src/sync/errors.js'

const node = () => ({})
const { createApp } = createRenderer({
  createElement: node,
  createText: node,
  createComment: node,
  insert() {},
  remove() {},
  patchProp() {},
  setText() {},
  setElementText() {},
  parentNode: () => null,
  nextSibling: () => null,
})

let counter = 0
/** Mounts a screen using the helper; resolves once the first load answered and was kept. */
async function mountList(options) {
  let list
  let settle
  const settled = new Promise((resolve) => (settle = resolve))
  const seen = []
  createApp({
    setup() {
      list = useLocalFirstList({
        ...options,
        fetchPage: (args) => {
          seen.push(list.state.items.map((i) => i.id))
          return options.fetchPage(args)
        },
        onLoaded: () => {
          options.onLoaded?.()
          settle()
        },
      })
      return () => h('div')
    },
  }).mount({})
  await settled
  return { list, seen }
}

const freshKey = () => `test.list.${process.pid}.${(counter += 1)}`

describe('useLocalFirstList', () => {
  it('shows the kept copy before the server answers, then keeps the first page', async () => {
    const key = freshKey()
    await kvSet(await appDb(), key, { items: [{ id: 1 }], complete: false, savedAt: 5 })
    const { list, seen } = await mountList({
      key: () => key,
      fetchPage: async () => ({ items: [{ id: 2 }, { id: 3 }], next: 'c1', complete: true }),
    })
    expect(seen).toEqual([[1]])
    expect(list.state.items.map((i) => i.id)).toEqual([2, 3])
    expect(list.state.next).toBe('c1')
    expect(list.state.complete).toBe(true)
    const kept = await kvGet(await appDb(), key)
    expect(kept.items.map((i) => i.id)).toEqual([2, 3])
    expect(kept.complete).toBe(true)
    expect(kept.savedAt).toBe(list.state.savedAt)
  })

  it('appends the next page without replacing the kept copy', async () => {
    const key = freshKey()
    const pages = { null: { items: [{ id: 1 }], next: 'c1' }, c1: { items: [{ id: 2 }], next: null } }
    let loaded = 0
    const { list } = await mountList({ key: () => key, fetchPage: async ({ cursor }) => pages[cursor], onLoaded: () => (loaded += 1) })
    expect(await list.load({ more: true })).toBe(true)
    expect(list.state.items.map((i) => i.id)).toEqual([1, 2])
    expect(list.state.next).toBe(null)
    expect((await kvGet(await appDb(), key)).items.map((i) => i.id)).toEqual([1])
    expect(loaded).toBe(2)
  })

  it('does not keep an answer keep() refuses, and says offline or the error', async () => {
    const key = freshKey()
    let answer = () => ({ items: [{ id: 9 }] })
    const { list } = await mountList({ key: () => key, fetchPage: async () => answer(), keep: () => false })
    expect(list.state.items.map((i) => i.id)).toEqual([9])
    expect(await kvGet(await appDb(), key)).toBeUndefined()

    answer = () => {
      throw new OfflineError()
    }
    expect(await list.load()).toBe(false)
    expect(list.state.offline).toBe(true)
    expect(list.state.items.map((i) => i.id)).toEqual([9])

    answer = () => {
      throw new Error('boom')
    }
    expect(await list.load()).toBe(false)
    expect(list.state.error).toBe('boom')
    expect(list.state.loading).toBe(false)
  })
})
