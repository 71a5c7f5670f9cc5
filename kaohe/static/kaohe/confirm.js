// A form marked data-confirm does what cannot be undone: it is sent only once the user
// confirms the question it carries (no inline script: the content security policy forbids it).
document.addEventListener("submit", e => {
  const question = e.target.dataset.confirm;
  if (question && !window.confirm(question)) e.preventDefault();
});
