// What every page may need from the shell: the signed-in user, and a way to
// name the page (DingTalk's native title bar, or our NavBar outside it).
import { createContext, useContext, useEffect } from 'react'
import { title as setTitle } from './dd.js'

export const Shell = createContext({ user: null, setHead: () => {}, refreshBadges: () => {} })
export const useShell = () => useContext(Shell)

export function useTitle(text, back) {
  const { setHead } = useShell()
  useEffect(() => {
    setTitle(text)
    setHead({ title: text, back })
  }, [text, back, setHead])
}

