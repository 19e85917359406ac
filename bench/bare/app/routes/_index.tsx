export default function Index() {
  return (
    <main>
      <h1>A minimal Remix page</h1>
    </main>
  )
}
