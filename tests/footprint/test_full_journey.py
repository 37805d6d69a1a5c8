"""Full-journey flights (全流程碳中和航班): the flight and ground travel to and from airports."""

from __future__ import annotations


def post(client, flight):
    return client.post(
        "/api/v1/footprints",
        json={"kind": "flight", "flight": flight},
        headers={"Accept-Language": "en"},
    )


def test_full_journey_adds_ground_legs_at_both_ends(client):
    plain = post(client, {"from": "CTU", "to": "PEK"}).get_json()
    body = post(client, {"from": "CTU", "to": "PEK", "full_journey": True}).get_json()
    ground = [li for li in body["breakdown"]["lines"] if li["label"].startswith("Ground")]
    assert [li["label"] for li in ground] == [
        "Ground travel to CTU by car",
        "Ground travel from PEK by car",
    ]
    # each: 1 passenger × 30 km (flight.ground_km_to_airport) ÷ 1.5 people per car
    # × 0.16725 kgCO2e per vehicle-km (DESNZ 2025 average car) = 3.345 kg
    assert [li["mass_g"] for li in ground] == [3345, 3345]
    assert body["mass_g"] == plain["mass_g"] + 6690
    defaulted = {d["field"] for d in body["defaults"]}
    assert {"flight.ground_mode", "flight.origin_ground_km", "flight.destination_ground_km"} <= (
        defaulted
    )


def test_given_ground_distances_and_mode_on_a_return_trip(client):
    body = post(
        client,
        {
            "from": "CTU",
            "to": "PEK",
            "round_trip": True,
            "passengers": 2,
            "full_journey": True,
            "ground_mode": "metro",
            "origin_ground_km": 12,
            "destination_ground_km": 25,
        },
    ).get_json()
    ground = {li["label"]: li for li in body["breakdown"]["lines"] if li["label"].startswith("G")}
    # 2 passengers × 2 ways × 12 km × 0.0278 (DESNZ 2025 London Underground) = 1.3344 kg
    assert ground["Ground travel to CTU by metro"]["quantity"] == "48"
    # 2 × 2 × 25 km × 0.0278 = 2.78 kg
    assert ground["Ground travel from PEK by metro"]["quantity"] == "100"


def test_ground_mode_cannot_be_a_flight(client):
    resp = post(client, {"from": "CTU", "to": "PEK", "full_journey": True, "ground_mode": "flight"})
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "flight.ground_mode"
