export default function NotFound() {
  return (
    <main>
      <h1>Your quote</h1>
      <p>There is no such quote.</p>
    </main>
  );
}
