// A dialog starts empty each time it opens: call `reset` whenever its `show` prop turns true
// (with `immediate`, also when it is created open). For the dialogs that fill DecisionDialog.vue.
import { watch } from 'vue'

export function onDialogOpen(props, reset, { immediate = false } = {}) {
  watch(
    () => props.show,
    (open) => open && reset(),
    { immediate },
  )
}
