// Field errors and saving, as every form in the console does them: erpd
// refuses a save with an error that may name its field (error.field, such
// as "lines[0].qty"); the message shows under that field (an Element Plus
// form item's error, or the line's table cell), the first such field is
// scrolled to and focused, the toast says only the message (and which
// line), and the save button spins while the request runs.
import { nextTick, reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { errorText } from '../api'

// useFieldErrors holds the messages by field, for :error="errors.name" and
// errors[`lines[${i}].qty`]; clear() empties them when a form opens or is
// sent again.
export function useFieldErrors() {
  const errors = reactive({})
  const clear = () => { for (const k of Object.keys(errors)) delete errors[k] }
  return { errors, clear }
}

// How a refused save is announced besides its field:
//   'message'    the message (and which line);
//   'field'      the same: kept for forms whose field may have no input of
//                its own (a whole list), where the toast is all there is;
//   'unfielded'  only errors that name no field: the field says the rest.
const toasts = {
  message: (e) => ElMessage.error(errorText(e)),
  field: (e) => ElMessage.error(errorText(e)),
  unfielded: (e) => { if (!e.field) ElMessage.error(e.message) },
}

// markFields puts an error on its field: the field's own key, and for an
// error about a whole line (lines[2]) the line's product cell, the cell a
// clerk knows the line by.
function markFields(errors, key, message) {
  errors[key] = message
  const line = /^([a-z_]+\[\d+\])$/.exec(key)
  if (line) errors[`${line[1]}.product_id`] = message
}

// showFirstError brings the first highlighted field into view and puts
// the cursor in it: a long order's line 23 is below the fold.
export async function showFirstError() {
  await nextTick()
  const el = document.querySelector('.el-form-item.is-error, .el-table .cell:has(> .err)')
  if (!el) return
  el.scrollIntoView({ block: 'center', behavior: 'smooth' })
  const input = el.querySelector('input, textarea')
  if (input) input.focus({ preventScroll: true })
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
      if (e.field) {
        markFields(errors, (opts.fieldKey || fieldKey)(e.field), e.message)
        showFirstError()
      }
      toasts[opts.toast || toast](e)
      return undefined
    } finally {
      saving.value = false
    }
  }
  return { errors, clear, saving, run }
}
