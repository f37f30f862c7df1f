// Routing lives in the hash (#/stock, #/approvals/12): the address before
// the '#' never changes, so DingTalk's dd.config signature, made for that
// address, holds on every page.
import { useEffect, useState } from 'react'

export const current = () => (window.location.hash.replace(/^#/, '') || '/').split('?')[0]

export function go(path, { replace } = {}) {
  if (replace) window.location.replace('#' + path)
  else window.location.hash = path
}

export function useRoute() {
  const [path, setPath] = useState(current)
  useEffect(() => {
    const on = () => setPath(current())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return path
}
