"""Load profile for the clearance pages and the submission API (run by bench/load/run.sh).

Officers page through their queue and open notifications; agents' systems submit notifications through
the API with an Idempotency-Key; a bare /healthz answers the same server's floor in the same run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import uuid

from locust import FastHttpUser, between, task

DECLARATION_QUESTIONS = (
    "firearms",
    "currency",
    "alcohol_tobacco",
    "animals",
    "plants_food",
    "goods_for_sale",
    "illness",
)

with open(os.environ.get("BENCH_CREDENTIALS", "bench/results/load-credentials.json")) as credentials_file:
    CREDENTIALS = json.load(credentials_file)


class Officer(FastHttpUser):
    weight = 3
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.cookiejar.clear()
        self.session = random.choice(CREDENTIALS["sessions"])

    def _get(self, path: str, name: str) -> None:
        self.client.get(path, name=name, headers={"Cookie": f"sessionid={self.session}"})

    @task(3)
    def queue(self) -> None:
        tab = random.choice(["expected", "in_port", "en_route", "overdue", "all"])
        self._get(f"/officer/?tab={tab}", "officer queue")

    @task(3)
    def detail(self) -> None:
        self._get(
            f"/officer/notifications/{random.choice(CREDENTIALS['references'])}/", "notification detail"
        )

    @task(1)
    def search(self) -> None:
        field, value = random.choice([("vessel", "Dream"), ("vessel", "REG0001"), ("person", "Smith")])
        self._get(f"/officer/?tab=all&{field}={value}", "officer search")

    @task(2)
    def hello(self) -> None:
        self.client.get("/healthz", name="hello")


class Agent(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.agent = random.choice(CREDENTIALS["agents"])

    @task
    def submit(self) -> None:
        when = dt.datetime.now(dt.UTC) + dt.timedelta(days=random.uniform(1, 20))
        people = [dict(p, role="master" if i == 0 else "crew") for i, p in enumerate(self.agent["people"])]
        body = {
            "vessel_id": self.agent["vessel_id"],
            "kind": "arrival",
            "port": CREDENTIALS["port"],
            "expected_at": when.isoformat(),
            "last_port": "Bridgetown",
            "last_port_country": "BB",
            "next_port": "Castries",
            "next_port_country": "LC",
            "purpose": "cruising",
            "people": people,
            # Every answer is required (an empty declaration is refused): a yacht with nothing to declare.
            "declaration": {question: False for question in DECLARATION_QUESTIONS},
            "submit": True,
        }
        with self.client.post(
            "/api/notifications",
            json=body,
            name="API submission",
            catch_response=True,
            headers={"Authorization": f"Bearer {self.agent['token']}", "Idempotency-Key": str(uuid.uuid4())},
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:300]}")
