// Field errors and saving, as every form in the console does them: erpd
// refuses a save with an error that may name its field (error.field, such
// as "lines[0].qty"); the message shows under that field and as a toast,
// and the save button spins while the request runs.
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'

// useFieldErrors holds the messages by field, for :error="errors.name" and
// errors[`lines[${i}].qty`]; clear() empties them when a form opens or is
// sent again.
export function useFieldErrors() {
  const errors = reactive({})
  const clear = () => { for (const k of Object.keys(errors)) delete errors[k] }
  return { errors, clear }
}

// How a refused save is announced besides its field:
//   'message'    the message alone (the field shows it too);
//   'field'      the message and the field's name, for forms whose field
//                may have no input of its own (a line, a whole list);
//   'unfielded'  only errors that name no field: the field says the rest.
const toasts = {
  message: (e) => ElMessage.error(e.message),
  field: (e) => ElMessage.error(e.field ? `${e.message}（${e.field}）` : e.message),
  unfielded: (e) => { if (!e.field) ElMessage.error(e.message) },
}

// useSave gives a form its errors, its saving flag and run(work): run
// clears the errors, runs work (the request and what follows a success)
// with saving set, and on failure puts the message on its field (fieldKey
// may map erpd's field to the form's, e.g. "doc_ids[2]" → "doc_ids") and
// announces it. run returns what work returned, or undefined on failure.
export function useSave({ toast = 'message', fieldKey = (f) => f } = {}) {
  const { errors, clear } = useFieldErrors()
  const saving = ref(false)
  async function run(work, opts = {}) {
    clear()
    saving.value = true
    try {
      return await work()
    } catch (e) {
      if (e.field) errors[(opts.fieldKey || fieldKey)(e.field)] = e.message
      toasts[opts.toast || toast](e)
      return undefined
    } finally {
      saving.value = false
    }
  }
  return { errors, clear, saving, run }
}
