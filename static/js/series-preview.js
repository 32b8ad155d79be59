// The series form's live preview: as the host changes the first date or the
// schedule, ask the server for the next dates (series/_preview.html) and put
// them in the box. Without JavaScript the "Preview dates" button does it.
(() => {
  const form = document.getElementById("series-form");
  const box = document.getElementById("series-preview");
  if (!form || !box) return;
  const frequency = () => form.querySelector("input[name=frequency]:checked")?.value;
  const showFrequency = () => {
    form.querySelectorAll("[data-frequency]").forEach((part) => {
      part.hidden = frequency() !== undefined && part.dataset.frequency !== frequency();
    });
  };
  let asked = 0;
  let timer;
  const refresh = async () => {
    const query = new URLSearchParams(new FormData(form));
    query.delete("csrf_token");
    const number = ++asked;
    try {
      const response = await fetch(`${form.dataset.previewUrl}?${query}`, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      });
      if (response.ok && number === asked) box.innerHTML = await response.text();
    } catch {
      // Offline for a moment: the button still previews.
    }
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };
  form.addEventListener("input", soon);
  form.addEventListener("change", () => { showFrequency(); soon(); });
  showFrequency();
  refresh();
})();
