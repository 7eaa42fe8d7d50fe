// The try-it page: ingredients and preferences in, a job followed over Server-Sent Events,
// recipes out as cards. Plain JavaScript, no build step, no third-party code.
"use strict";

(function () {
  const TEXT = {
    ko: {
      lead: "냉장고에 있는 재료를 알려 주세요. 레시피를 만들어 드립니다.",
      ingredients: "재료", ingredientsHint: "Enter 또는 쉼표로 하나씩 넣으세요. 예: 계란, 대파, 김치",
      ingredientsPlaceholder: "재료를 입력하세요", allergies: "알레르기", allergiesPlaceholder: "예: 땅콩, 새우",
      dietary: "식단", dietNone: "제한 없음", dietVegetarian: "채식", dietVegan: "비건", dietPescatarian: "페스코",
      maxCookingTime: "최대 조리 시간 (분)", servings: "인분", language: "언어",
      apiKey: "API 키", apiKeyHint: "이 서버는 API 키가 있어야 답합니다.",
      generate: "레시피 만들기", cancel: "취소", docs: "API 문서",
      existingTitle: "가진 재료로 만들기", additionalTitle: "재료 조금 더 필요",
      ingredientsTitle: "재료", stepsTitle: "만드는 법", minutes: (n) => n + "분",
      serves: (n) => n + "인분", easy: "쉬움", medium: "보통", hard: "어려움",
      extra: "추가 재료", remove: "빼기",
      needIngredient: "재료를 하나 이상 넣어 주세요.",
      tooMany: (n) => "최대 " + n + "개까지 넣을 수 있습니다.",
      rateLimited: (s) => "요청이 너무 많습니다. " + s + "초 뒤에 다시 시도해 주세요.",
      unavailable: (s) => "서비스가 지금 바쁩니다. " + s + "초 뒤에 다시 시도해 주세요.",
      unauthorized: "API 키가 필요하거나 키가 맞지 않습니다.",
      network: "서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
      failedGeneric: "요청을 처리하지 못했습니다.",
      cancelled: "취소했습니다.", alreadyEnded: "작업이 이미 끝났습니다.",
      noRecipes: "이 조건에 맞는 레시피가 없습니다.",
      madeBy: (p, m) => "만든 곳: " + p + (m ? " (" + m + ")" : ""),
      fields: { ingredients: "재료", allergies: "알레르기", dietary: "식단", maxCookingTime: "최대 조리 시간", servings: "인분", language: "언어" },
    },
    en: {
      lead: "Tell us what is in your fridge, and get recipes made from it.",
      ingredients: "Ingredients", ingredientsHint: "Press Enter or type a comma after each one, e.g. eggs, spring onion, kimchi",
      ingredientsPlaceholder: "Type an ingredient", allergies: "Allergies", allergiesPlaceholder: "e.g. peanut, shrimp",
      dietary: "Diet", dietNone: "No restriction", dietVegetarian: "Vegetarian", dietVegan: "Vegan", dietPescatarian: "Pescatarian",
      maxCookingTime: "Max cooking time (min)", servings: "Servings", language: "Language",
      apiKey: "API key", apiKeyHint: "This server answers only with an API key.",
      generate: "Make recipes", cancel: "Cancel", docs: "API docs",
      existingTitle: "Made from what you have", additionalTitle: "Needs a few more",
      ingredientsTitle: "Ingredients", stepsTitle: "Steps", minutes: (n) => n + " min",
      serves: (n) => "serves " + n, easy: "easy", medium: "medium", hard: "hard",
      extra: "to buy", remove: "Remove",
      needIngredient: "Add at least one ingredient.",
      tooMany: (n) => "At most " + n + " items.",
      rateLimited: (s) => "Too many requests. Try again in " + s + " s.",
      unavailable: (s) => "The service is busy. Try again in " + s + " s.",
      unauthorized: "This server needs an API key, or the key is wrong.",
      network: "The server cannot be reached. Try again in a moment.",
      failedGeneric: "The request could not be handled.",
      cancelled: "Cancelled.", alreadyEnded: "The job has already ended.",
      noRecipes: "No recipe fits these preferences.",
      madeBy: (p, m) => "Made by " + p + (m ? " (" + m + ")" : ""),
      fields: { ingredients: "Ingredients", allergies: "Allergies", dietary: "Diet", maxCookingTime: "Max cooking time", servings: "Servings", language: "Language" },
    },
  };

  const $ = (id) => document.getElementById(id);
  const state = { job: null, source: null, poll: null, cards: { existing: [], additional: [] } };
  let lang = "ko";

  function t(key, ...args) {
    const v = TEXT[lang][key];
    return typeof v === "function" ? v(...args) : v;
  }

  function applyLanguage() {
    lang = $("language").value === "en" ? "en" : "ko";
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-text]").forEach((el) => {
      const v = TEXT[lang][el.dataset.text];
      if (typeof v === "string") el.textContent = v;
    });
    $("ingredient-input").placeholder = t("ingredientsPlaceholder");
    $("allergy-input").placeholder = t("allergiesPlaceholder");
    document.querySelectorAll(".chip button").forEach((b) => b.setAttribute("aria-label", t("remove")));
  }

  // Chips: each chip list keeps its values in data attributes of its chips.
  function chipValues(box) {
    return Array.from(box.querySelectorAll(".chip")).map((c) => c.dataset.value);
  }

  function addChips(box, text) {
    const max = Number(box.dataset.max);
    const field = box.id;
    for (const raw of text.split(/[,，、\n]/)) {
      const value = raw.trim();
      if (!value) continue;
      const values = chipValues(box);
      if (values.includes(value)) continue;
      if (values.length >= max) {
        showFieldError(field, t("tooMany", max));
        return;
      }
      const chip = document.createElement("span");
      chip.className = "chip";
      chip.dataset.value = value;
      chip.append(document.createTextNode(value));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", t("remove"));
      remove.addEventListener("click", () => { chip.remove(); clearFieldError(field); });
      chip.append(remove);
      box.insertBefore(chip, box.querySelector(".chip-input"));
      clearFieldError(field);
    }
  }

  function wireChips(box) {
    const input = box.querySelector(".chip-input");
    box.addEventListener("click", (e) => { if (e.target === box) input.focus(); });
    input.addEventListener("keydown", (e) => {
      if ((e.key === "Enter" || e.key === ",") && !e.isComposing) {
        e.preventDefault();
        addChips(box, input.value);
        input.value = "";
      } else if (e.key === "Backspace" && input.value === "") {
        const chips = box.querySelectorAll(".chip");
        if (chips.length) chips[chips.length - 1].remove();
      }
    });
    input.addEventListener("input", () => {
      if (/[,，、]/.test(input.value)) {
        addChips(box, input.value);
        input.value = "";
      }
    });
    input.addEventListener("blur", () => {
      if (input.value.trim()) {
        addChips(box, input.value);
        input.value = "";
      }
    });
  }

  // Errors next to the field or the button they concern.
  function fieldOf(path) {
    const name = path.replace(/^preferences\./, "").replace(/\[\d+\]$/, "");
    return ["ingredients", "allergies", "dietary", "maxCookingTime", "servings", "language"].includes(name) ? name : "form";
  }

  function showFieldError(field, message) {
    const el = document.querySelector('[data-error-for="' + field + '"]');
    el.textContent = message;
    const wrap = el.closest(".field");
    if (wrap) wrap.classList.add("invalid");
  }

  function clearFieldError(field) {
    const el = document.querySelector('[data-error-for="' + field + '"]');
    el.textContent = "";
    const wrap = el.closest(".field");
    if (wrap) wrap.classList.remove("invalid");
  }

  function clearErrors() {
    document.querySelectorAll("[data-error-for]").forEach((el) => clearFieldError(el.dataset.errorFor));
    $("warnings").replaceChildren();
  }

  function showErrorAnswer(status, body, retryAfter) {
    const wait = retryAfter || "5";
    if (status === 400 && body && body.error && body.error.details && body.error.details.length) {
      const byField = {};
      for (const d of body.error.details) {
        const f = fieldOf(d.field);
        const label = f === "form" ? d.field : t("fields")[f];
        (byField[f] = byField[f] || []).push(label + ": " + d.message);
      }
      for (const f in byField) showFieldError(f, byField[f].join(" · "));
      return;
    }
    let message;
    if (status === 429) message = t("rateLimited", wait);
    else if (status === 503) message = t("unavailable", wait);
    else if (status === 401) {
      $("field-key").hidden = false;
      message = t("unauthorized");
    } else if (body && body.error && body.error.message) message = body.error.message;
    else message = t("failedGeneric");
    showFieldError("form", message);
  }

  // Requests.
  function headers(json) {
    const h = {};
    if (json) h["Content-Type"] = "application/json";
    const key = $("api-key").value.trim();
    if (key) h["Authorization"] = "Bearer " + key;
    return h;
  }

  async function call(method, url, body) {
    const resp = await fetch(url, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    return { status: resp.status, data, retryAfter: resp.headers.get("Retry-After") };
  }

  function request() {
    const prefs = { language: $("language").value };
    const allergies = chipValues($("allergies"));
    if (allergies.length) prefs.allergies = allergies;
    if ($("dietary").value) prefs.dietary = $("dietary").value;
    const time = $("max-time").value.trim();
    if (time !== "") prefs.maxCookingTime = Number(time);
    const servings = $("servings").value.trim();
    if (servings !== "") prefs.servings = Number(servings);
    return { ingredients: chipValues($("ingredients")), preferences: prefs };
  }

  async function submit(e) {
    e.preventDefault();
    const pending = $("ingredient-input").value.trim();
    if (pending) { addChips($("ingredients"), pending); $("ingredient-input").value = ""; }
    const pendingAllergy = $("allergy-input").value.trim();
    if (pendingAllergy) { addChips($("allergies"), pendingAllergy); $("allergy-input").value = ""; }
    clearErrors();
    const body = request();
    if (body.ingredients.length === 0) {
      showFieldError("ingredients", t("needIngredient"));
      return;
    }
    stopFollowing();
    setBusy(true);
    let answer;
    try {
      answer = await call("POST", "/v1/recipe/generate", body);
    } catch (err) {
      setBusy(false);
      showFieldError("form", t("network"));
      return;
    }
    if (answer.status !== 202) {
      setBusy(false);
      showErrorAnswer(answer.status, answer.data, answer.retryAfter);
      return;
    }
    const job = answer.data;
    for (const w of job.warnings || []) {
      const li = document.createElement("li");
      li.textContent = w;
      $("warnings").append(li);
    }
    state.job = job;
    resetResults();
    showProgress({ status: "pending", progress: 0, message: "" });
    follow(job);
  }

  function setBusy(busy) {
    $("generate").disabled = busy;
    $("cancel").hidden = !busy;
    $("cancel").disabled = false;
  }

  // Following a job: Server-Sent Events when the browser can send the request as is;
  // polling the status when an API key must go in a header, which EventSource cannot send.
  function follow(job) {
    if (window.EventSource && !$("api-key").value.trim()) {
      const source = new EventSource(job.eventsUrl);
      state.source = source;
      source.addEventListener("status", (ev) => showProgress(JSON.parse(ev.data)));
      source.addEventListener("recipe", (ev) => addStreamedRecipe(JSON.parse(ev.data)));
      for (const name of ["completed", "failed", "cancelled"]) {
        source.addEventListener(name, (ev) => { stopFollowing(); finish(JSON.parse(ev.data)); });
      }
      source.onerror = () => {
        // The browser reconnects by itself while the stream may come back; once it has
        // given up, the status is polled instead.
        if (source.readyState === EventSource.CLOSED && state.source === source) {
          state.source = null;
          poll(job);
        }
      };
      return;
    }
    poll(job);
  }

  function poll(job) {
    const tick = async () => {
      if (state.job !== job) return;
      try {
        const answer = await call("GET", job.statusUrl);
        if (answer.status === 200) {
          const st = answer.data;
          if (["completed", "failed", "cancelled"].includes(st.status)) {
            stopFollowing();
            finish(st);
            return;
          }
          showProgress(st);
        }
      } catch (e) { /* try again at the next tick */ }
      state.poll = setTimeout(tick, 1000);
    };
    tick();
  }

  function stopFollowing() {
    if (state.source) { state.source.close(); state.source = null; }
    if (state.poll) { clearTimeout(state.poll); state.poll = null; }
  }

  function showProgress(st) {
    const section = $("progress");
    section.hidden = false;
    section.classList.remove("done", "stopped");
    setBar(st.progress || 0);
    $("progress-message").textContent = st.message || "";
  }

  function setBar(value) {
    $("progress-fill").style.width = value + "%";
    $("progress-value").textContent = value + "%";
    $("progress-bar").setAttribute("aria-valuenow", String(value));
  }

  function finish(st) {
    setBusy(false);
    state.job = null;
    const section = $("progress");
    $("progress-message").textContent = st.message || "";
    if (st.status === "completed") {
      section.classList.add("done");
      setBar(100);
      showResult(st.result);
    } else if (st.status === "failed") {
      section.classList.add("stopped");
      showFieldError("form", st.error || t("failedGeneric"));
    } else {
      section.classList.add("stopped");
      $("progress-message").textContent = st.message || t("cancelled");
    }
  }

  async function cancel() {
    const job = state.job;
    if (!job) return;
    $("cancel").disabled = true;
    let answer;
    try {
      answer = await call("DELETE", job.statusUrl);
    } catch (err) {
      $("cancel").disabled = false;
      showFieldError("form", t("network"));
      return;
    }
    if (answer.status === 200) {
      stopFollowing();
      finish(answer.data);
    } else if (answer.status === 409) {
      showFieldError("form", t("alreadyEnded"));
    } else {
      $("cancel").disabled = false;
      showErrorAnswer(answer.status, answer.data, answer.retryAfter);
    }
  }

  // Results.
  function resetResults() {
    state.cards = { existing: [], additional: [] };
    $("existing").replaceChildren();
    $("additional").replaceChildren();
    $("notes").replaceChildren();
    $("result-meta").textContent = "";
    $("results").hidden = true;
  }

  function addStreamedRecipe(ev) {
    const list = ev.kind === "additional" ? "additional" : "existing";
    $("results").hidden = false;
    placeCard(list, ev.index, ev.recipe);
  }

  function placeCard(list, index, recipe) {
    const box = $(list);
    const card = renderCard(recipe, list === "additional");
    card.dataset.index = String(index);
    const old = state.cards[list][index];
    if (old) old.replaceWith(card);
    else {
      const after = Array.from(box.children).find((c) => Number(c.dataset.index) > index);
      box.insertBefore(card, after || null);
    }
    state.cards[list][index] = card;
  }

  function showResult(result) {
    if (!result) return;
    $("results").hidden = false;
    const lists = { existing: result.existingIngredientsRecipes || [], additional: result.additionalIngredientsRecipes || [] };
    for (const list of ["existing", "additional"]) {
      lists[list].forEach((r, i) => placeCard(list, i, r));
      state.cards[list].slice(lists[list].length).forEach((c) => c && c.remove());
      state.cards[list].length = lists[list].length;
      if (lists[list].length === 0) {
        const p = document.createElement("p");
        p.className = "empty";
        p.textContent = t("noRecipes");
        $(list).replaceChildren(p);
      }
    }
    for (const note of result.notes || []) {
      const li = document.createElement("li");
      li.textContent = note;
      $("notes").append(li);
    }
    $("result-meta").textContent = t("madeBy", result.provider, result.model);
  }

  function renderCard(r, additional) {
    const card = $("card-template").content.firstElementChild.cloneNode(true);
    card.querySelector(".name").textContent = r.name;
    card.querySelector(".description").textContent = r.description;
    card.querySelector(".time").textContent = t("minutes", r.cookingTime);
    card.querySelector(".difficulty").textContent = t(r.difficulty) || r.difficulty;
    card.querySelector(".serves").textContent = t("serves", r.servings);
    card.querySelector(".ingredients-title").textContent = t("ingredientsTitle");
    card.querySelector(".steps-title").textContent = t("stepsTitle");
    // An extra ingredient is highlighted where an ingredient line names it ("돼지고기 200g"
    // names "돼지고기"), and listed on its own when no line does.
    const extras = additional ? r.additionalIngredients || [] : [];
    const named = new Set();
    const ul = card.querySelector(".ingredients");
    for (const ing of r.ingredients || []) {
      const li = document.createElement("li");
      const hit = extras.find((x) => x && (ing.includes(x) || x.includes(ing)));
      if (hit) {
        named.add(hit);
        li.append(mark(ing));
      } else li.textContent = ing;
      ul.append(li);
    }
    for (const x of extras) {
      if (named.has(x)) continue;
      const li = document.createElement("li");
      li.append(mark(x));
      ul.append(li);
    }
    const ol = card.querySelector(".steps");
    for (const line of String(r.instructions || "").split("\n")) {
      const step = line.replace(/^\s*\d+[.)]\s*/, "").trim();
      if (!step) continue;
      const li = document.createElement("li");
      li.textContent = step;
      ol.append(li);
    }
    if (additional) card.classList.add("additional");
    return card;
  }

  function mark(text) {
    const m = document.createElement("mark");
    m.className = "extra";
    m.title = t("extra");
    m.textContent = text;
    return m;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const params = new URLSearchParams(location.search);
    const wanted = params.get("lang") || (navigator.language || "ko").slice(0, 2);
    $("language").value = wanted === "en" ? "en" : "ko";
    applyLanguage();
    wireChips($("ingredients"));
    wireChips($("allergies"));
    $("language").addEventListener("change", () => { applyLanguage(); clearFieldError("language"); });
    for (const [id, field] of [["max-time", "maxCookingTime"], ["servings", "servings"], ["dietary", "dietary"]]) {
      $(id).addEventListener("input", () => clearFieldError(field));
    }
    $("fridge").addEventListener("submit", submit);
    $("cancel").addEventListener("click", cancel);
    document.body.dataset.ready = "true";
  });
})();
