/* 逐地块上图: the parcels in view, coloured by status, drawn with the vendored Leaflet. Only what is in the
   visible box is fetched (bbox + the page's filters); past the server's cap it answers clusters with counts.
   Works with no tile layer at all (closed networks): the parcels on a plain background with a scale bar. */
(function () {
  "use strict";
  var element = document.getElementById("parcel-map");
  if (!element || !window.L) { return; }
  var config = JSON.parse(document.getElementById(element.getAttribute("data-config")).textContent);
  var colours = {pending: "#b03a48", in_progress: "#d9822b", done: "#2f8f5b"};
  var map = L.map(element, {preferCanvas: false}).setView(config.center, config.zoom);
  if (config.tiles) {
    L.tileLayer(config.tiles, {attribution: config.attribution, maxZoom: 18}).addTo(map);
  }
  L.control.scale({imperial: false}).addTo(map);
  var layer = L.layerGroup().addTo(map);
  var status = document.getElementById("map-status");
  var filters = new URLSearchParams(window.location.search);
  var fitted = false;  // the first answer frames the parcels found; afterwards the user's view rules

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function card(p) {
    var flags = [];
    if (p.supervised) { flags.push(config.labels.supervised); }
    if (p.idle_fee_due) { flags.push(config.labels.idle_fee); }
    if (p.reclaim_due) { flags.push(config.labels.reclaim); }
    return "<strong>" + escape(p.code) + "</strong><br>" + escape(p.name) + "<br>" + escape(p.region) + " · " +
      escape(p.kind) + " · " + escape(p.status_label) + " · " + escape(p.area_mu) + " 亩" +
      (flags.length ? "<br><em>" + escape(flags.join("、")) + "</em>" : "") +
      '<br><a href="' + escape(p.url) + '">' + escape(config.labels.open) + "</a>";
  }

  function style(p) {
    return {color: p.supervised ? "#7a0c1a" : colours[p.status] || "#1f5fa8", weight: p.supervised ? 4 : 2,
            dashArray: p.idle_fee_due || p.reclaim_due ? "6 4" : null, fillColor: colours[p.status] || "#1f5fa8",
            fillOpacity: 0.35};
  }

  function draw(collection) {
    layer.clearLayers();
    var parcels = 0;
    collection.features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      if (p.cluster) {
        L.marker([c[1], c[0]], {icon: L.divIcon({className: "map-cluster", html: String(p.count), iconSize: [36, 36]}),
                                title: p.count + " " + config.labels.cluster})
          .on("click", function () { map.setView([c[1], c[0]], map.getZoom() + 2); })
          .addTo(layer);
        return;
      }
      parcels += 1;
      var shape = feature.geometry.type === "Point"
        ? L.circleMarker([c[1], c[0]], Object.assign(style(p), {radius: 7}))
        : L.geoJSON(feature, {style: function () { return style(p); }});
      shape.bindPopup(card(p)).addTo(layer);
    });
    if (!fitted && parcels && !collection.clustered) {
      fitted = true;
      var bounds = L.featureGroup(layer.getLayers()).getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.5), {maxZoom: 16}); return; }  // refetches on moveend
    }
    fitted = true;
    element.setAttribute("data-features", String(parcels));
    element.setAttribute("data-clustered", collection.clustered ? "1" : "0");
    status.textContent = " · " + config.labels.inView + " " + collection.total + " " + config.labels.parcels;
  }

  function load() {
    var bounds = map.getBounds();
    var query = new URLSearchParams(filters);
    query.set("as_of", config.as_of);  // the date the page settled on (today when the address's date was not one)
    query.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(6); }).join(","));
    fetch(config.api + "?" + query.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(draw);
  }
  map.on("moveend", load);
  load();
})();
