import { createContext, useContext } from 'react'

// The Content-Security-Policy nonce of the page being rendered on the server (entry.server
// provides it); the inline scripts Remix writes carry it. In the browser it is undefined:
// scripts added after load come from this site and need none.
export const NonceContext = createContext<string | undefined>(undefined)

export const useNonce = () => useContext(NonceContext)
