// A plain resource route with a fixed JSON body: the API benchmark's yardstick.
const body = JSON.stringify({ data: [], next: null })
export function loader() {
  return new Response(body, { headers: { 'Content-Type': 'application/json' } })
}
