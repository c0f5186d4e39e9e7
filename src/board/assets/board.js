// The board's only script (plain browser JavaScript, no build step): filters apply as soon as a
// select changes; without JavaScript the form's Apply button does the same.
document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    form.addEventListener('change', (e) => {
      const el = e.target;
      // A preset due window and hand-typed dates exclude each other.
      if (el.name === 'due' && el.value) for (const n of ['from', 'to']) form.elements[n].value = '';
      if ((el.name === 'from' || el.name === 'to') && el.value) form.elements.due.value = '';
      // Empty fields stay out of the URL, so links stay short and readable.
      for (const input of form.elements) if (input.name && input.value === '') input.disabled = true;
      form.submit();
    });
  }
});
