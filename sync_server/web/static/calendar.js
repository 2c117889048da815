// The shift calendar's print button (the page's policy allows no inline script).
document.getElementById("calendar-print")?.addEventListener("click", () => window.print());
