// Lumen & Leaf, the Sightline demo store: catalog, cart in localStorage and the behaviour of each page.
// A plain script with no build step, so the store behaves like a customer's site: the recorder is an optional guest.
(function () {
  'use strict';

  const CART_KEY = 'lumen-leaf-cart';
  const ACCOUNT_KEY = 'lumen-leaf-account';
  const LAST_ORDER_KEY = 'lumen-leaf-last-order';
  const MAX_QUANTITY = 10;
  const FREE_SHIPPING_FROM_CENTS = 5000;
  const SHIPPING_CENTS = 495;
  // The promo service was never launched, so "Apply" is wired to nothing: the deliberate broken button of the demo.
  const PROMO_SERVICE_URL = null;

  const PRODUCTS = [
    { id: 1, name: 'Stoneware Mug', priceCents: 1800, shape: 'mug', colour: '#efe3d3', accent: '#8a5a3b',
      blurb: 'A hand-glazed 350 ml mug with a thick wall that keeps coffee warm through the first email of the day.' },
    { id: 2, name: 'Linen Tote Bag', priceCents: 2400, shape: 'tote', colour: '#e1e9de', accent: '#4f6f52',
      blurb: 'Stonewashed linen, long handles and an inner pocket. Carries a week of groceries, folds into a fist.' },
    { id: 3, name: 'Dot-Grid Notebook', priceCents: 1250, shape: 'notebook', colour: '#dfe5ef', accent: '#3d5a80',
      blurb: 'A5, 160 pages of 100 gsm paper that takes fountain pens without bleeding, with a lay-flat binding.' },
    { id: 4, name: 'Soy Wax Candle', priceCents: 2100, shape: 'candle', colour: '#f5ead0', accent: '#c08b2c',
      blurb: 'Fig and cedar, poured by hand into a reusable amber jar. Around 45 hours of slow, even burning.' },
    { id: 5, name: 'Ceramic Plant Pot', priceCents: 2900, shape: 'pot', colour: '#ede2da', accent: '#b5654a',
      blurb: 'Terracotta-toned ceramic with a drainage hole and matching saucer. Fits a 14 cm nursery pot.' },
    { id: 6, name: 'Merino Socks', priceCents: 1600, shape: 'socks', colour: '#efe3ee', accent: '#7b4b72',
      blurb: 'Soft merino blend with a reinforced heel and toe. Warm in winter, breathable in spring.' },
  ];

  const ART = {
    mug: (a) => `<rect x="52" y="70" width="82" height="92" rx="12" fill="${a}"/>
      <path d="M134 92h10a19 19 0 0 1 0 38h-10" fill="none" stroke="${a}" stroke-width="10"/>
      <path d="M76 40c-7 8 7 13 0 21M96 36c-7 8 7 13 0 21M116 40c-7 8 7 13 0 21" fill="none" stroke="${a}"
        stroke-width="4" stroke-linecap="round" opacity=".45"/>`,
    tote: (a) => `<path d="M72 88a28 30 0 0 1 56 0" fill="none" stroke="${a}" stroke-width="7"/>
      <path d="M48 82h104l-10 92H58z" fill="${a}"/>
      <rect x="82" y="112" width="36" height="24" rx="4" fill="#fff" opacity=".3"/>`,
    notebook: (a) => `<rect x="56" y="34" width="90" height="132" rx="6" fill="${a}"/>
      <rect x="126" y="34" width="7" height="132" fill="#000" opacity=".22"/>
      <rect x="70" y="60" width="44" height="14" rx="3" fill="#fff" opacity=".7"/>`,
    candle: (a) => `<path d="M100 44c11 14 9 26 0 30-9-4-11-16 0-30z" fill="#f2a33a"/>
      <rect x="98" y="72" width="4" height="14" fill="#333"/>
      <rect x="62" y="84" width="76" height="84" rx="10" fill="${a}" opacity=".85"/>
      <rect x="74" y="112" width="52" height="28" rx="4" fill="#fff" opacity=".6"/>`,
    pot: (a) => `<path d="M100 108c-8-30-32-44-46-40 6 20 22 36 46 40zM100 108c6-34 30-52 48-48-6 24-24 42-48 48z"
        fill="#6b8f5e"/><path d="M98 110c0-20 2-40 4-58" stroke="#56784a" stroke-width="4" fill="none"/>
      <path d="M58 106h84l-12 64H70z" fill="${a}"/><rect x="54" y="100" width="92" height="14" rx="4" fill="${a}"/>`,
    socks: (a) => `<path d="M60 36h30v82l18 22a14 14 0 0 1-20 20l-30-32z" fill="${a}"/>
      <path d="M104 46h30v82l18 22a14 14 0 0 1-20 20l-30-32z" fill="${a}" opacity=".7"/>
      <rect x="60" y="36" width="30" height="12" fill="#fff" opacity=".4"/>`,
  };

  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  const formatCents = (cents) => money.format(cents / 100);
  const byId = (id) => document.getElementById(id);
  const findProduct = (id) => PRODUCTS.find((product) => product.id === id);

  function productArt(product) {
    return `<svg viewBox="0 0 200 200" role="img" aria-label="${product.name}" focusable="false">` +
      `<rect width="200" height="200" fill="${product.colour}"/>${ART[product.shape](product.accent)}</svg>`;
  }

  // Storage can be full, disabled or hold junk from an older version; none of that may break the page.
  function readJson(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (error) {
      return fallback;
    }
  }
  function writeJson(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* a cart that cannot be saved still works for this page view */
    }
  }

  function readCart() {
    const lines = readJson(CART_KEY, []);
    if (!Array.isArray(lines)) return [];
    return lines.filter((line) => line && findProduct(line.id) && Number.isInteger(line.qty) && line.qty > 0);
  }
  const clampQuantity = (qty) => Math.min(MAX_QUANTITY, Math.max(1, Math.round(Number(qty)) || 1));

  function setLineQuantity(id, qty) {
    const lines = readCart().filter((line) => line.id !== id);
    if (qty > 0) lines.push({ id, qty: Math.min(MAX_QUANTITY, qty) });
    lines.sort((a, b) => a.id - b.id);
    writeJson(CART_KEY, lines);
  }

  function cartTotals(lines) {
    const subtotal = lines.reduce((sum, line) => sum + findProduct(line.id).priceCents * line.qty, 0);
    const shipping = subtotal === 0 || subtotal >= FREE_SHIPPING_FROM_CENTS ? 0 : SHIPPING_CENTS;
    const count = lines.reduce((sum, line) => sum + line.qty, 0);
    return { subtotal, shipping, total: subtotal + shipping, count };
  }

  // The recorder may be blocked, slow or absent; the shop must never depend on it.
  function track(name, props) {
    try {
      window.Sightline && window.Sightline.track(name, props);
    } catch (error) {
      /* analytics must never break a purchase */
    }
  }

  function identify(userId) {
    try {
      window.Sightline && window.Sightline.identify(userId);
    } catch (error) {
      /* analytics must never break a purchase */
    }
  }

  /**
   * The demo's stand-in for a store's own customer id: a hash of the email (FNV-1a), so a session is tied to its
   * shopper without the address itself ever reaching the recorder.
   */
  function customerId(email) {
    let hash = 0x811c9dc5;
    for (const char of email.trim().toLowerCase()) hash = Math.imul(hash ^ char.codePointAt(0), 0x01000193) >>> 0;
    return `customer-${hash.toString(16).padStart(8, '0')}`;
  }

  function renderHeader() {
    byId('cart-count').textContent = String(cartTotals(readCart()).count);
    const account = readJson(ACCOUNT_KEY, null);
    if (account && typeof account.name === 'string') byId('greeting').textContent = `Signed in as ${account.name}`;
  }

  function renderList() {
    byId('product-grid').innerHTML = PRODUCTS.map((product) => `
      <article class="card" data-testid="product-card-${product.id}">
        <a class="card-link" id="product-link-${product.id}" href="product.html?id=${product.id}">
          <div class="art">${productArt(product)}</div>
          <h2 class="card-title">${product.name}</h2>
        </a>
        <p class="price" data-testid="product-price-${product.id}">${formatCents(product.priceCents)}</p>
      </article>`).join('');
  }

  function renderProduct() {
    const product = findProduct(Number(new URLSearchParams(location.search).get('id')));
    if (!product) {
      byId('product-detail').hidden = true;
      byId('product-missing').hidden = false;
      return;
    }
    document.title = `${product.name} · Lumen & Leaf`;
    // #product-image promises a zoom (cursor, badge) that was never built and gets no handler: the demo's dead click.
    byId('product-art').innerHTML = productArt(product);
    byId('product-name').textContent = product.name;
    byId('breadcrumb-name').textContent = product.name;
    byId('product-price').textContent = formatCents(product.priceCents);
    byId('product-description').textContent = product.blurb;

    const quantity = byId('quantity');
    const step = (delta) => { quantity.value = String(clampQuantity(Number(quantity.value) + delta)); };
    byId('qty-decrease').addEventListener('click', () => step(-1));
    byId('qty-increase').addEventListener('click', () => step(1));
    quantity.addEventListener('change', () => step(0));
    byId('add-to-cart').addEventListener('click', () => {
      const qty = clampQuantity(quantity.value);
      const existing = readCart().find((line) => line.id === product.id);
      setLineQuantity(product.id, (existing ? existing.qty : 0) + qty);
      track('add_to_cart', { value: (product.priceCents * qty) / 100, productId: product.id, quantity: qty });
      byId('added-text').textContent = `Added ${qty} × ${product.name} to your cart.`;
      byId('added-message').hidden = false;
      renderHeader();
    });
  }

  function renderCart() {
    const lines = readCart();
    const totals = cartTotals(lines);
    byId('cart-empty').hidden = lines.length > 0;
    byId('cart-filled').hidden = lines.length === 0;
    byId('cart-lines').innerHTML = lines.map((line) => {
      const product = findProduct(line.id);
      return `
      <li class="cart-line" data-testid="cart-line-${product.id}">
        <div class="art small">${productArt(product)}</div>
        <div class="line-info">
          <a href="product.html?id=${product.id}" id="cart-product-link-${product.id}">${product.name}</a>
          <span class="muted">${formatCents(product.priceCents)} each</span>
        </div>
        <div class="stepper small" role="group" aria-label="Quantity of ${product.name}">
          <button type="button" id="line-decrease-${product.id}" data-action="decrease" data-id="${product.id}"
            aria-label="One fewer">−</button>
          <span class="qty" data-testid="line-quantity-${product.id}">${line.qty}</span>
          <button type="button" id="line-increase-${product.id}" data-action="increase" data-id="${product.id}"
            aria-label="One more">+</button>
        </div>
        <span class="line-total">${formatCents(product.priceCents * line.qty)}</span>
        <button type="button" class="link-button" id="remove-${product.id}" data-action="remove"
          data-id="${product.id}">Remove</button>
      </li>`;
    }).join('');
    byId('cart-subtotal').textContent = formatCents(totals.subtotal);
    byId('cart-shipping').textContent = totals.shipping === 0 ? 'Free' : formatCents(totals.shipping);
    byId('cart-total').textContent = formatCents(totals.total);
    renderHeader();
  }

  function initCart() {
    byId('cart-lines').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (!button) return;
      const id = Number(button.dataset.id);
      const line = readCart().find((item) => item.id === id);
      if (!line) return;
      const change = { decrease: line.qty - 1, increase: line.qty + 1, remove: 0 };
      setLineQuantity(id, change[button.dataset.action]);
      renderCart();
    });
    renderCart();
  }

  const required = (message) => (value) => (value ? '' : message);
  const CHECKOUT_RULES = {
    fullName: required('Please enter your full name.'),
    email: (v) => (!v ? 'Please enter your email address.'
      : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? '' : 'That email address does not look right.'),
    address: required('Please enter your street address.'),
    city: required('Please enter your city.'),
    postcode: required('Please enter your postcode.'),
    cardNumber: (v) => (!v ? 'Please enter your card number.'
      : /^\d{13,19}$/.test(v.replace(/[\s-]/g, '')) ? '' : 'Card numbers have 13 to 19 digits.'),
    cardExpiry: (v) => (/^(0[1-9]|1[0-2])\s*\/\s*\d{2}$/.test(v) ? '' : 'Use the format MM/YY.'),
    cardCvc: (v) => (/^\d{3,4}$/.test(v) ? '' : 'The security code has 3 or 4 digits.'),
    password: (v) => (!v || v.length >= 8 ? '' : 'Passwords need at least 8 characters.'),
  };

  function showFieldError(form, name) {
    const field = form.elements.namedItem(name);
    const message = CHECKOUT_RULES[name](field.value.trim());
    const error = byId(`${name}-error`);
    error.textContent = message;
    error.hidden = !message;
    field.setAttribute('aria-invalid', message ? 'true' : 'false');
    return message === '';
  }

  function initCheckout() {
    const lines = readCart();
    const totals = cartTotals(lines);
    renderHeader();
    if (lines.length === 0) {
      byId('checkout-layout').hidden = true;
      byId('checkout-empty').hidden = false;
      return;
    }
    byId('summary-lines').innerHTML = lines.map((line) => {
      const product = findProduct(line.id);
      return `<li data-testid="summary-line-${product.id}"><span>${line.qty} × ${product.name}</span>
        <span>${formatCents(product.priceCents * line.qty)}</span></li>`;
    }).join('');
    byId('summary-shipping').textContent = totals.shipping === 0 ? 'Free' : formatCents(totals.shipping);
    byId('summary-total').textContent = formatCents(totals.total);
    byId('pay-button').textContent = `Pay ${formatCents(totals.total)}`;
    track('checkout_start', { value: totals.total / 100 });

    const form = byId('checkout-form');
    const password = byId('password');
    const toggle = byId('toggle-password');
    toggle.addEventListener('click', () => {
      const reveal = password.type === 'password';
      password.type = reveal ? 'text' : 'password';
      toggle.textContent = reveal ? 'Hide' : 'Show';
      toggle.setAttribute('aria-pressed', String(reveal));
    });
    byId('apply-promo').addEventListener('click', () => {
      if (!PROMO_SERVICE_URL) return;
    });
    // A shopper who gave a valid email is known from then on, as a signed-in customer would be.
    form.elements.namedItem('email').addEventListener('change', (event) => {
      if (!CHECKOUT_RULES.email(event.target.value.trim())) identify(customerId(event.target.value));
    });
    // Clear a message as soon as the shopper fixes the field, but do not nag while they type a fresh one.
    form.addEventListener('input', (event) => {
      const name = event.target.name;
      if (CHECKOUT_RULES[name] && event.target.getAttribute('aria-invalid') === 'true') showFieldError(form, name);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const invalid = Object.keys(CHECKOUT_RULES).filter((name) => !showFieldError(form, name));
      if (invalid.length > 0) {
        form.elements.namedItem(invalid[0]).focus();
        return;
      }
      const orderId = `LL-${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
      // Only what the confirmation shows is kept: never the email or the card.
      writeJson(LAST_ORDER_KEY, { orderId, totalCents: totals.total, items: totals.count, account: !!password.value });
      if (password.value) writeJson(ACCOUNT_KEY, { name: form.elements.namedItem('fullName').value.trim() });
      writeJson(CART_KEY, null);
      track('purchase', { value: totals.total / 100, orderId });
      location.assign(`confirmation.html?order=${encodeURIComponent(orderId)}`);
    });
  }

  function renderConfirmation() {
    renderHeader();
    const order = readJson(LAST_ORDER_KEY, null);
    const wanted = new URLSearchParams(location.search).get('order');
    if (!order || order.orderId !== wanted) {
      byId('order-details').hidden = true;
      byId('order-missing').hidden = false;
      return;
    }
    byId('order-number').textContent = order.orderId;
    byId('order-total').textContent = formatCents(order.totalCents);
    byId('order-items').textContent = `${order.items} ${order.items === 1 ? 'item' : 'items'}`;
    byId('order-account').hidden = !order.account;
  }

  const PAGES = {
    list: () => { renderHeader(); renderList(); },
    product: () => { renderHeader(); renderProduct(); },
    cart: initCart,
    checkout: initCheckout,
    confirmation: renderConfirmation,
  };
  const init = PAGES[document.body.dataset.page];
  if (init) init();
  // Scripted shoppers and tests wait for this instead of the load event.
  document.documentElement.dataset.shopReady = 'true';
})();
