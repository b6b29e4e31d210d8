/* The group directory: "use my location" (asked only on a click) and the map beside the list.
   The list is the page; the map is drawn from the list's items (data-lat/data-lon), is hidden
   from screen readers and out of the keyboard's way, and shows its markers on a plain
   background when no tile server is configured or reachable. No inline scripts (CSP). */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function setUpLocation(form) {
    var button = document.getElementById("use-location");
    var status = document.getElementById("location-status");
    var lat = form.querySelector("input[name=lat]");
    var lon = form.querySelector("input[name=lon]");
    var where = form.querySelector("input[name=where]");
    if (where) {
      where.addEventListener("input", function () { lat.value = ""; lon.value = ""; });
    }
    if (!button || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.asking;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(5);
          lon.value = position.coords.longitude.toFixed(5);
          if (where) where.value = "";
          status.textContent = button.dataset.found;
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        },
        function (error) {
          status.textContent = error.code === 1 ? button.dataset.denied : button.dataset.failed;
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  function setUpMap(element) {
    if (!window.L) return null;
    var map = window.L.map(element, {
      keyboard: false, scrollWheelZoom: false, zoomControl: true, attributionControl: true
    });
    map.attributionControl.setPrefix(false);
    if (element.dataset.tiles) {
      window.L.tileLayer(element.dataset.tiles, {
        attribution: element.dataset.attribution, maxZoom: 18
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
    }
    var icon = window.L.icon({
      iconUrl: element.dataset.icon, iconRetinaUrl: element.dataset.icon2x,
      shadowUrl: element.dataset.shadow, iconSize: [25, 41], iconAnchor: [12, 41],
      popupAnchor: [1, -34], shadowSize: [41, 41]
    });
    return { map: map, icon: icon, layer: window.L.layerGroup().addTo(map) };
  }

  function popupFor(item) {
    var link = document.createElement("a");
    link.href = item.dataset.url;
    link.textContent = item.dataset.name;
    link.tabIndex = -1;
    var distance = item.querySelector(".distance");
    var box = document.createElement("div");
    box.appendChild(link);
    if (distance) {
      var text = document.createElement("div");
      text.textContent = distance.textContent;
      box.appendChild(text);
    }
    return box;
  }

  function draw(state) {
    var L = window.L;
    state.layer.clearLayers();
    var points = [];
    var items = document.querySelectorAll("#results [data-lat]");
    Array.prototype.forEach.call(items, function (item) {
      var point = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
      if (isNaN(point[0]) || isNaN(point[1])) return;
      L.marker(point, { icon: state.icon, keyboard: false, title: item.dataset.name, alt: "" })
        .bindPopup(popupFor(item)).addTo(state.layer);
      points.push(point);
    });
    var results = document.querySelector("#results .results");
    if (results && results.dataset.originLat) {
      var origin = [parseFloat(results.dataset.originLat), parseFloat(results.dataset.originLon)];
      L.circleMarker(origin, { radius: 7, color: "#1d5c4d", fillColor: "#f4b942", fillOpacity: 1, weight: 2 })
        .bindTooltip(results.dataset.originLabel).addTo(state.layer);
      points.push(origin);
    }
    if (points.length > 1) state.map.fitBounds(points, { padding: [24, 24], maxZoom: 13 });
    else if (points.length === 1) state.map.setView(points[0], 12);
    else state.map.setView([54.3, -2.5], 5);
    state.map.invalidateSize();
    outOfTheWay(state.map.getContainer());
  }

  // The map is hidden from screen readers (the list says the same): nothing in it may take the
  // keyboard's focus either (Leaflet's zoom buttons and attribution links would).
  function outOfTheWay(element) {
    Array.prototype.forEach.call(element.querySelectorAll("a, button, [tabindex]"), function (e) {
      e.tabIndex = -1;
    });
  }

  ready(function () {
    var form = document.querySelector("form.directory-search");
    if (form) setUpLocation(form);
    var element = document.getElementById("group-map");
    if (!element) return;
    var state = setUpMap(element);
    if (!state) return;
    draw(state);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.target && event.target.id === "results") draw(state);
    });
  });
})();
