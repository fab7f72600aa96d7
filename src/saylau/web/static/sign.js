// Signing a petition in the browser, as the national PKI's signing layer does on the
// citizen's computer: the key file the citizen chooses is read here and never sent. The
// page asks the service what to sign (the petition's id, its text's SHA-256 and the
// signing time it accepts), signs the canonical bytes with WebCrypto (RSASSA-PKCS1-v1_5,
// SHA-256), posts the envelope with the form's CSRF token and shows the receipt.
//
// Checking a receipt also happens here: with the IIN typed in this page, the script
// recomputes the salted commitment, follows the inclusion proof to the root of the signed
// head in the receipt, and checks that head's Ed25519 signature with the key of the
// petition's published log head. Only the public log head is fetched.
(function () {
  "use strict";
  var enc = new TextEncoder();

  function b64ToBytes(text) {
    var raw = atob(text.replace(/\s+/g, ""));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function bytesToB64(bytes) {
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw);
  }
  function hexToBytes(hex) {
    if (!/^([0-9a-f]{2})*$/.test(hex)) { throw new Error("not hex: " + hex.slice(0, 16)); }
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(hex.substr(2 * i, 2), 16); }
    return out;
  }
  function concat() {
    var total = 0, i;
    for (i = 0; i < arguments.length; i++) { total += arguments[i].length; }
    var out = new Uint8Array(total), at = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  }
  function same(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  function say(box, text, isError) {
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    if (isError) { p.className = "note"; }
    box.appendChild(p);
  }

  // --- signing -------------------------------------------------------------------------

  function pemBlocks(text, label) {
    var pattern = new RegExp("-----BEGIN " + label + "-----([^-]+)-----END " + label + "-----", "g");
    var found = [], match;
    while ((match = pattern.exec(text)) !== null) { found.push(b64ToBytes(match[1])); }
    return found;
  }

  async function sign(section, form) {
    var result = document.getElementById("sign-result");
    var file = form.querySelector("input[type=file]").files[0];
    if (!file) { return; }
    var text = await file.text();
    var certificates = pemBlocks(text, "CERTIFICATE");
    var keys = pemBlocks(text, "PRIVATE KEY");
    if (!certificates.length || !keys.length) {
      say(result, section.dataset.noKey, true);
      return;
    }
    say(result, section.dataset.working, false);
    var url = section.dataset.signing;
    var answer = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    var params = await answer.json();
    if (!answer.ok) { say(result, section.dataset.refused + ": " + params.detail, true); return; }
    var key = await crypto.subtle.importKey(
      "pkcs8", keys[0], { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    var message = "saylau-petition-signature/1\npetition:" + params.petition_id +
      "\ntext-sha256:" + params.text_sha256 + "\nsigned-at:" + params.signed_at + "\n";
    var signature = new Uint8Array(
      await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, enc.encode(message)));
    var envelope = {
      version: 1,
      petition_id: params.petition_id,
      text_sha256: params.text_sha256,
      signed_at: params.signed_at,
      algorithm: "rsa-pkcs1v15-sha256",
      signature: bytesToB64(signature),
      certificate: bytesToB64(certificates[0]),
      chain: certificates.slice(1).map(bytesToB64)
    };
    var posted = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": params.csrf },
      body: JSON.stringify(envelope)
    });
    var body = await posted.json();
    if (posted.status !== 200 && posted.status !== 201) {
      say(result, section.dataset.refused + ": " + body.detail, true);
      return;
    }
    say(result, posted.status === 201 ? section.dataset.signed : section.dataset.again, false);
    var receipt = JSON.stringify(body.receipt, null, 2);
    var pre = document.createElement("pre");
    pre.className = "receipt";
    pre.id = "receipt";
    pre.tabIndex = 0;
    pre.textContent = receipt;
    result.appendChild(pre);
    var download = document.getElementById("receipt-download");
    var link = download.querySelector("a");
    link.href = "data:application/json;charset=utf-8," + encodeURIComponent(receipt + "\n");
    download.hidden = false;
    var check = document.getElementById("receipt-text");
    if (check) { check.value = receipt; }
    var progress = document.querySelector("progress");
    if (progress && typeof body.signatures === "number") {
      progress.value = Math.min(body.signatures, progress.max);
    }
  }

  // --- checking a receipt (the same steps as saylau.petitions.receipts.check_receipt) ----

  async function commitmentLeafHash(receipt, iin) {
    if (!/^[0-9]{12}$/.test(iin)) { throw new Error("IIN: 12 digits"); }
    var petition = enc.encode(receipt.petition_id);
    var salt = hexToBytes(receipt.salt);
    if (salt.length !== 32) { throw new Error("receipt.salt: 32 bytes"); }
    var tag, leaf;
    if (receipt.kind === "signature") {
      tag = enc.encode("saylau/petition-signature/1");
    } else {
      tag = enc.encode("saylau/petition-withdrawal/1");
    }
    var c = await sha256(concat(tag, new Uint8Array([0]),
      new Uint8Array([petition.length >> 8, petition.length & 255]), petition, salt, enc.encode(iin)));
    if (receipt.kind === "signature") {
      leaf = concat(new Uint8Array([1]), c);
    } else {
      var index = new Uint8Array(8), n = receipt.withdraws;
      for (var i = 7; i >= 0; i--) { index[i] = n % 256; n = Math.floor(n / 256); }
      leaf = concat(new Uint8Array([2]), c, index);
    }
    return sha256(concat(new Uint8Array([0]), leaf));
  }

  async function rootFromProof(index, size, leaf, proof) {
    if (!(index >= 0 && index < size)) { throw new Error("receipt.leaf_index: outside the tree"); }
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      var p = hexToBytes(proof[i]);
      if (sn === 0) { throw new Error("receipt.inclusion_proof: too long"); }
      if ((fn & 1) || fn === sn) {
        r = await sha256(concat(new Uint8Array([1]), p, r));
        while (!(fn & 1) && fn !== 0) { fn >>= 1; sn >>= 1; }
      } else {
        r = await sha256(concat(new Uint8Array([1]), r, p));
      }
      fn >>= 1; sn >>= 1;
    }
    if (sn !== 0) { throw new Error("receipt.inclusion_proof: too short"); }
    return r;
  }

  async function verifyNote(note, vkey) {
    var parts = note.split("\n\n");
    if (parts.length < 2) { throw new Error("receipt.signed_head: not a signed note"); }
    var text = parts[0] + "\n";
    var first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
    var name = vkey.slice(0, first), keyId = hexToBytes(vkey.slice(first + 1, second));
    var material = b64ToBytes(vkey.slice(second + 1));
    if (material[0] !== 1) { throw new Error("log key: not Ed25519"); }
    var key = await crypto.subtle.importKey(
      "raw", material.slice(1), { name: "Ed25519" }, false, ["verify"]);
    var lines = parts.slice(1).join("\n\n").split("\n");
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (line.indexOf("\u2014 " + name + " ") !== 0) { continue; }
      var signed = b64ToBytes(line.slice(name.length + 3));
      if (!same(signed.slice(0, 4), keyId)) { continue; }
      if (await crypto.subtle.verify("Ed25519", key, signed.slice(4), enc.encode(text))) {
        return text.split("\n");
      }
    }
    throw new Error("receipt.signed_head: not signed by the petition log's key");
  }

  async function check(section) {
    var result = document.getElementById("check-result");
    try {
      var receipt = JSON.parse(document.getElementById("receipt-text").value);
      var iin = document.getElementById("receipt-iin").value.trim();
      if (receipt.petition_id !== section.dataset.petition) {
        throw new Error("receipt.petition_id: another petition's receipt");
      }
      var published = await (await fetch(section.dataset.log, { cache: "no-store" })).json();
      var head = await verifyNote(receipt.signed_head, published.key);
      if (head[0] !== published.origin) { throw new Error("receipt.signed_head: another log"); }
      var size = parseInt(head[1], 10);
      if (size !== receipt.tree_size) { throw new Error("receipt.tree_size: not the head's"); }
      if (size > published.size) { throw new Error("receipt.tree_size: beyond the published head"); }
      var leaf = await commitmentLeafHash(receipt, iin);
      var root = await rootFromProof(receipt.leaf_index, size, leaf, receipt.inclusion_proof);
      if (!same(root, b64ToBytes(head[2]))) {
        throw new Error("receipt.inclusion_proof: does not lead to the signed root");
      }
      say(result, section.dataset.valid.replace("{index}", receipt.leaf_index)
        .replace("{size}", size).replace("{published}", published.size), false);
      result.dataset.verdict = "valid";
    } catch (error) {
      say(result, section.dataset.invalid + ": " + error.message, true);
      result.dataset.verdict = "invalid";
    }
  }

  var signing = document.getElementById("signing");
  if (signing && window.crypto && crypto.subtle) {
    var form = document.getElementById("sign-form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sign(signing, form).catch(function (error) {
        say(document.getElementById("sign-result"), signing.dataset.refused + ": " + error.message, true);
      });
    });
  }
  var checking = document.getElementById("receipt-check");
  if (checking && window.crypto && crypto.subtle) {
    document.getElementById("check-form").addEventListener("submit", function (event) {
      event.preventDefault();
      check(checking);
    });
  }
})();
