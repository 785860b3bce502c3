#!/usr/bin/env python3
"""Publish answers and live preferences from Python, then ask the scoring API how much the served model learned.

A client the way a Python team would write one: confluent-kafka's Avro producer against the platform's schema
registry, the project's .avsc contracts, and the scoring API over HTTP. The preferences follow a hidden reward of its
own (word values summed over an answer and divided by the square root of its length, Bradley-Terry labels), so after
each checkpoint it can say how often the served version orders never-labelled pairs like the hidden reward, how often
it orders the labelled ones, and what a textbook single-pass online logistic regression (SGD, learning rate 0.5, on
L2-normalized word counts) learns from the same labels.

Needs confluent-kafka 1.x with Avro (Debian: python3-confluent-kafka python3-avro) and a running `rewardctl up`.

    examples/python/label_stream.py --labels 1500,2850

prints one JSON object per checkpoint.
"""
import argparse
import datetime
import json
import math
import pathlib
import random
import sys
import time
import urllib.request
import uuid

import avro.schema
from avro.name import Names
from confluent_kafka.avro import AvroProducer

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "schemas" / "src" / "main" / "avro"
LETTERS = ("bcdfghjklmnpqrstvwxz", "aeiou")


def load_schemas(directory):
    """Interaction and Preference, with the shared types Preference refers to parsed first."""
    names = Names()
    avro.schema.make_avsc_object(json.loads((directory / "common" / "LabelSource.avsc").read_text()), names)
    preference = avro.schema.make_avsc_object(json.loads((directory / "Preference.avsc").read_text()), names)
    interaction = avro.schema.parse((directory / "Interaction.avsc").read_text())
    return interaction, preference


class World:
    """A vocabulary with hidden word values and a labeler that prefers answers by them."""

    def __init__(self, rng, vocabulary, temperature):
        words = set()
        while len(words) < vocabulary:
            words.add("".join(rng.choice(LETTERS[0]) + rng.choice(LETTERS[1]) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        self.value = {w: rng.gauss(0, 1) for w in self.words}
        self.temperature = temperature
        self.prompts = ["please explain the %s and the %s" % (rng.choice(self.words), rng.choice(self.words))
                        for _ in range(300)]

    def answer(self, rng):
        return [rng.choice(self.words) for _ in range(rng.randint(5, 25))]

    def reward(self, answer):
        return sum(self.value[w] for w in answer) / math.sqrt(len(answer))

    def p_first_preferred(self, a, b):
        return 1 / (1 + math.exp(-(self.reward(a) - self.reward(b)) / self.temperature))


class OnlineLogisticRegression:
    """The anchor: one SGD step per label on the difference of L2-normalized word counts."""

    def __init__(self, learning_rate=0.5):
        self.learning_rate = learning_rate
        self.weights = {}

    @staticmethod
    def features(answer):
        counts = {}
        for word in answer:
            counts[word] = counts.get(word, 0) + 1
        norm = math.sqrt(sum(c * c for c in counts.values()))
        return {w: c / norm for w, c in counts.items()}

    def score(self, answer):
        return sum(self.weights.get(w, 0) * x for w, x in self.features(answer).items())

    def learn(self, a, b, first_preferred):
        difference = dict(self.features(a))
        for w, x in self.features(b).items():
            difference[w] = difference.get(w, 0) - x
        z = sum(self.weights.get(w, 0) * x for w, x in difference.items())
        gradient = (1 if first_preferred else 0) - 1 / (1 + math.exp(-z))
        for w, x in difference.items():
            self.weights[w] = self.weights.get(w, 0) + self.learning_rate * gradient * x


def http_json(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def served_margins(api, pairs):
    """r(a) − r(b) by the served version for each (prompt, a, b), and the version that answered."""
    margins, version = [], None
    for prompt, a, b in pairs:
        answer = http_json(api + "/v1/rank", {"prompt": prompt, "candidates": [" ".join(a), " ".join(b)]})
        reward = {c["index"]: c["raw_reward"] for c in answer["ranked"]}
        margins.append(reward[0] - reward[1])
        version = answer["model_version"]
    return margins, version


def agreement(world, pairs, margins):
    """Share of pairs ordered like the hidden reward; a tie counts half."""
    right = 0.0
    for (_, a, b), margin in zip(pairs, margins):
        right += 0.5 if margin == 0 else float((margin > 0) == (world.reward(a) > world.reward(b)))
    return right / len(pairs)


def wait_until_served(api, labels, timeout_s):
    """Until the served version has learned every label sent (the trainer learns each preference once)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        try:
            model = http_json(api + "/v1/model")
            if model.get("examples_trained", 0) >= labels:
                return model
        except OSError:
            pass  # 503 before the first version
        time.sleep(1)
    raise SystemExit("label_stream: the served version had not learned %d labels after %d s" % (labels, timeout_s))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--registry", default="http://127.0.0.1:8081")
    parser.add_argument("--scoring-api", default="http://127.0.0.1:8090")
    parser.add_argument("--labels", default="1500,2850", help="cumulative label counts to measure at")
    parser.add_argument("--vocabulary", type=int, default=200)
    parser.add_argument("--temperature", type=float, default=0.3)
    parser.add_argument("--measure-pairs", type=int, default=500, help="fresh pairs, and labelled pairs, measured")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout-s", type=int, default=300)
    parser.add_argument("--schemas", type=pathlib.Path, default=SCHEMAS)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    world = World(rng, args.vocabulary, args.temperature)
    interaction_schema, preference_schema = load_schemas(args.schemas)
    key_schema = avro.schema.parse('"string"')
    producer = AvroProducer({"bootstrap.servers": args.bootstrap, "schema.registry.url": args.registry,
                             "enable.idempotence": True, "linger.ms": 20})
    measure = random.Random(args.seed + 1)
    fresh = []
    while len(fresh) < args.measure_pairs:
        a, b = world.answer(measure), world.answer(measure)
        if world.reward(a) != world.reward(b):
            fresh.append((measure.choice(world.prompts), a, b))
    labelled = []
    anchor = OnlineLogisticRegression()

    for checkpoint in (int(n) for n in args.labels.split(",")):
        while len(labelled) < checkpoint:
            now = datetime.datetime.now(datetime.timezone.utc)
            prompt = rng.choice(world.prompts)
            a, b = world.answer(rng), world.answer(rng)
            ids = []
            for answer in (a, b):
                interaction_id = str(uuid.uuid4())
                ids.append(interaction_id)
                producer.produce(topic="interactions", key=interaction_id, key_schema=key_schema,
                                 value_schema=interaction_schema, value={
                                     "interaction_id": interaction_id, "episode_id": None, "step": 0,
                                     "agent_id": "python-agent", "policy_version": "p1", "environment": None,
                                     "event_time": now, "prompt": prompt, "response": " ".join(answer),
                                     "state": None, "action": None, "env_reward": None, "done": True,
                                     "metadata": {}, "ratings": {}, "step_ratings": None})
            first_preferred = rng.random() < world.p_first_preferred(a, b)
            preference_id = str(uuid.uuid4())
            producer.produce(topic="preferences", key=preference_id, key_schema=key_schema,
                             value_schema=preference_schema, value={
                                 "preference_id": preference_id, "event_time": now,
                                 "a": {"interaction_id": ids[0], "segment": None, "prompt": None, "response": None},
                                 "b": {"interaction_id": ids[1], "segment": None, "prompt": None, "response": None},
                                 "outcome": "A" if first_preferred else "B", "source": "HUMAN",
                                 "annotator": "label_stream.py", "confidence": 1.0, "metadata": {},
                                 "attribute": None})
            producer.poll(0)
            labelled.append((prompt, a, b))
            anchor.learn(a, b, first_preferred)
        producer.flush()
        model = wait_until_served(args.scoring_api, len(labelled), args.timeout_s)
        seen = measure.sample(labelled, min(args.measure_pairs, len(labelled)))
        fresh_margins, version = served_margins(args.scoring_api, fresh)
        seen_margins, _ = served_margins(args.scoring_api, seen)
        anchor_margin = lambda pairs: [anchor.score(a) - anchor.score(b) for _, a, b in pairs]
        print(json.dumps({
            "labels": len(labelled), "model_version": version, "examples_trained": model["examples_trained"],
            "fresh_accuracy": round(agreement(world, fresh, fresh_margins), 4),
            "seen_accuracy": round(agreement(world, seen, seen_margins), 4),
            "anchor_fresh_accuracy": round(agreement(world, fresh, anchor_margin(fresh)), 4),
            "anchor_seen_accuracy": round(agreement(world, seen, anchor_margin(seen)), 4),
            "bayes_optimal_vs_labels": round(sum(max(p, 1 - p) for p in (world.p_first_preferred(a, b)
                                                                          for _, a, b in fresh)) / len(fresh), 4)}),
            flush=True)


if __name__ == "__main__":
    sys.exit(main())
