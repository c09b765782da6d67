# Hotline: one entry point. `make demo` sets everything up and runs the product on its
# embedded default; `make test` installs what is missing, builds and runs every test.

APT_PACKAGES := libasound2-dev libsndfile1-dev libfftw3-dev libopus-dev libsqlite3-dev pkg-config sox libsox-fmt-all sip-tester baresip-core postgresql kamailio chromium chromium-driver python3-selenium prometheus graphviz
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOTLINE := .build/debug/hotline
DEMO_OUT := .build/demo
DEMO_INPUT := Audio/samples/digits-jackson-16k.flac

.PHONY: deps build install test demo demo-sip console console-stop cluster-demo bench-setup bench-resample bench-frontend bench-vad bench-tts bench-echo bench-recognize bench-phones bench-orders bench-prompts bench-open bench-flow-voices bench-acoustic bench-calls bench-sip bench-cluster bench-store talkoff train-vad train-acoustic voice-rms import-voice clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

# Installs the release build as Systemd/hotlined.service expects: binaries in PREFIX/bin,
# models in PREFIX/share/hotline, the unit, and (when not there yet) the configuration, the
# example flow and an empty admin lexicon in /etc/hotline. DESTDIR stages it elsewhere.
PREFIX := /usr
install: deps
	swift build -c release
	install -D -m 755 -t $(DESTDIR)$(PREFIX)/bin .build/release/hotline .build/release/hotlined
	mkdir -p $(DESTDIR)$(PREFIX)/share/hotline $(DESTDIR)$(PREFIX)/share/doc/hotline/Systemd
	cp -R Models $(DESTDIR)$(PREFIX)/share/hotline/
	install -m 644 -t $(DESTDIR)$(PREFIX)/share/doc/hotline/Systemd Systemd/README.md
	install -D -m 644 -t $(DESTDIR)/lib/systemd/system Systemd/hotlined.service
	mkdir -p $(DESTDIR)/etc/hotline/flows
	[ -e $(DESTDIR)/etc/hotline/hotlined.yaml ] || install -m 644 Systemd/hotlined.yaml $(DESTDIR)/etc/hotline/
	[ -e $(DESTDIR)/etc/hotline/flows/hotline.yaml ] || install -m 644 -t $(DESTDIR)/etc/hotline/flows Flows/hotline.yaml Flows/orders.csv
	[ -e $(DESTDIR)/etc/hotline/lexicon.dict ] || echo ";;; the admins' own words, CMU format: WORD PH ON ES" > $(DESTDIR)/etc/hotline/lexicon.dict
	@[ -n "$(DESTDIR)" ] || id hotline >/dev/null 2>&1 || useradd --system --groups audio hotline
	@echo "installed; set the lines in /etc/hotline/hotlined.yaml, then: systemctl enable --now hotlined"

TEST_PYTHON := .venv-test/bin/python

test: deps
	swift build --build-tests
	swift test --skip-build
	@[ -x $(TEST_PYTHON) ] || python3 -m venv .venv-test
	$(TEST_PYTHON) -m pip install -q -r tools/requirements-test.txt
	$(TEST_PYTHON) tools/compare-features.py --hotline .build/debug/hotline
	tools/cluster-demo.sh
	/usr/bin/python3 Tests/Browser/console.py

demo: build
	@mkdir -p $(DEMO_OUT)
	$(HOTLINE) audio info $(DEMO_INPUT)
	$(HOTLINE) audio convert $(DEMO_INPUT) $(DEMO_OUT)/demo-line-8k-ulaw.wav --rate 8000 --codec ulaw
	$(HOTLINE) audio info --json $(DEMO_OUT)/demo-line-8k-ulaw.wav
	$(HOTLINE) detect $(DEMO_OUT)/demo-line-8k-ulaw.wav
	$(HOTLINE) recognize --grammar "builtin:digits?min=7&max=7" $(DEMO_OUT)/demo-line-8k-ulaw.wav
	$(HOTLINE) flow validate Flows/hotline.yaml
	printf '#1\nfive five five oh one nine @0.6\nyes\nyes\nwhen are you open\nno\n' | $(HOTLINE) chat --verbose Flows/hotline.yaml
	$(HOTLINE) call Flows/hotline.yaml Audio/samples/caller-order-status.flac -o $(DEMO_OUT)/call.opus
	$(HOTLINE) normalize "Your order AB1234 of \$$12.50 ships on 12/03/2026 at 3:30 pm."
	$(HOTLINE) say "Thank you for calling Acme. Your order ships on Tuesday." -o $(DEMO_OUT)/welcome-8k.wav --rate 8000
	$(HOTLINE) audio info $(DEMO_OUT)/welcome-8k.wav
	sox Audio/samples/caller-order-status.flac -t raw -e signed -b 16 -c 1 -r 8000 $(DEMO_OUT)/caller.raw
	rm -f $(DEMO_OUT)/calls.sqlite
	.build/debug/hotlined --config Systemd/demo-line.yaml --check-config
	.build/debug/hotlined --config Systemd/demo-line.yaml
	$(HOTLINE) calls show 1 --db $(DEMO_OUT)/calls.sqlite
	$(HOTLINE) replay 1 --db $(DEMO_OUT)/calls.sqlite
	.build/debug/hotlined --version
	@tools/demo-console.sh start

# The web console and chat on the demo's store, in the foreground until Ctrl-C
# (Systemd/demo-console.yaml); make demo starts it in the background, console-stop stops that.
console: build
	@tools/demo-console.sh stop >/dev/null
	@echo "console: http://127.0.0.1:8080 (user demo, password demo); chat: http://127.0.0.1:8080/chat; Ctrl-C stops it"
	.build/debug/hotlined --config Systemd/demo-console.yaml

console-stop:
	@tools/demo-console.sh stop

# Three hotlined nodes behind Kamailio, one PostgreSQL store, a node stopped mid-run (docs/deployment.md).
cluster-demo: build
	tools/cluster-demo.sh

# One SIP call end to end: sipp calls hotlined --sip and plays the demo caller as RTP.
demo-sip: build
	tools/demo-sip.sh .build/demo-sip

BENCH_PYTHON := .venv-bench/bin/python

# Benchmarks run our release build beside an established peer (see bench/ and docs/performance.md).
bench-setup: deps
	@[ -x $(BENCH_PYTHON) ] || python3 -m venv .venv-bench
	$(BENCH_PYTHON) -m pip install -q -r bench/requirements.txt
	$(BENCH_PYTHON) -m pip install -q --no-deps silero-vad==6.2.3  # only its ONNX model: no torch
	swift build -c release --product hotline

bench-resample: bench-setup
	$(BENCH_PYTHON) bench/resampler.py --hotline .build/release/hotline

bench-frontend: bench-setup
	$(BENCH_PYTHON) bench/frontend.py --hotline .build/release/hotline

bench-vad: bench-setup
	$(BENCH_PYTHON) bench/vad.py --hotline .build/release/hotline

bench-tts: bench-setup
	@command -v espeak-ng >/dev/null && command -v flite >/dev/null || $(SUDO) apt-get install -y -qq espeak-ng flite
	$(BENCH_PYTHON) bench/tts.py --hotline .build/release/hotline

# Line echo cancellation against speexdsp's canceller (ERLE, double talk, speed).
bench-echo: bench-setup
	@ldconfig -p | grep -q libspeexdsp.so.1 || $(SUDO) apt-get install -y -qq libspeexdsp1
	$(BENCH_PYTHON) bench/echo.py --hotline .build/release/hotline

# Grammar recognition against pocketsphinx 5 on dev speakers (accuracy, rejection, speed).
bench-recognize: bench-setup
	$(BENCH_PYTHON) bench/recognize.py --hotline .build/release/hotline

# The example flow's conversation tests said by voices held out of acoustic training
# (espeak-ng en-us+f2 and flite rms are its dev voices; festival's never trained on).
FLOW_VOICES := espeak:en-us+f2,flite:rms,festival:ked_diphone,festival:cmu_us_slt_arctic_hts
bench-flow-voices: deps
	@command -v espeak-ng >/dev/null && command -v flite >/dev/null && command -v text2wave >/dev/null && dpkg -s festvox-us-slt-hts >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq espeak-ng flite festival festvox-kdlpc16k festvox-us-slt-hts; }
	swift build -c release --product hotline
	-.build/release/hotline flow test Flows/hotline.yaml Flows/hotline.tests.yaml --voices $(FLOW_VOICES)
	-.build/release/hotline flow test Flows/hotline.yaml Flows/hotline.menu.tests.yaml --voices $(FLOW_VOICES)

# Phone error rate on continuous speech of unseen speakers, beside pocketsphinx's allphone search.
bench-phones: bench-setup
	$(BENCH_PYTHON) bench/phones.py --hotline .build/release/hotline

# Spoken coffee orders (a grammar of ~200,000 paths with slots) by voices training never
# heard, whole-order accuracy beside pocketsphinx with the same grammar.
bench-orders: bench-setup
	@command -v espeak-ng >/dev/null && command -v flite >/dev/null && command -v text2wave >/dev/null && dpkg -s festvox-us-slt-hts >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq espeak-ng flite festival festvox-kdlpc16k festvox-us-slt-hts; }
	$(BENCH_PYTHON) bench/orders.py --hotline .build/release/hotline

# IVR sentences from a phrase list of 220, said by voices held out of training, beside pocketsphinx.
bench-prompts: bench-setup
	@command -v espeak-ng >/dev/null && command -v flite >/dev/null && command -v text2wave >/dev/null && dpkg -s festvox-us-slt-hts >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq espeak-ng flite festival festvox-kdlpc16k festvox-us-slt-hts; }
	$(BENCH_PYTHON) bench/prompts.py --hotline .build/release/hotline

# Open answers: 60 of those sentences with no list (general English), word error rate beside
# pocketsphinx's en-us trigram.
bench-open: bench-setup
	@command -v espeak-ng >/dev/null && command -v flite >/dev/null && command -v text2wave >/dev/null && dpkg -s festvox-us-slt-hts >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq espeak-ng flite festival festvox-kdlpc16k festvox-us-slt-hts; }
	$(BENCH_PYTHON) bench/prompts.py --hotline .build/release/hotline --open --sentences 60

# Simultaneous calls on file-backed lines (reply latency, barge-in, underruns, CPU per call).
bench-sip: bench-setup
	swift build -c release --product hotlined
	$(BENCH_PYTHON) bench/sip.py --hotlined .build/release/hotlined

# Scale-out: one node against three behind Kamailio, one PostgreSQL store (needs kamailio, postgresql).
bench-cluster: bench-setup
	swift build -c release --product hotlined
	$(BENCH_PYTHON) bench/cluster.py --hotlined .build/release/hotlined

# The call store at 100,000 calls: QA's commands on PostgreSQL and SQLite.
bench-store: bench-setup
	$(BENCH_PYTHON) bench/store.py --hotline .build/release/hotline

bench-calls: bench-setup
	@command -v flite >/dev/null || $(SUDO) apt-get install -y -qq flite
	swift build -c release --product hotlined
	$(BENCH_PYTHON) bench/calls.py --hotlined .build/release/hotlined

# Training venv (torch, outside the repository) shared by train-acoustic and bench-acoustic.
TRAIN_VENV := ../hotline-train-venv

# Acoustic-model speed against PyTorch on the same weights and frames.
bench-acoustic: deps
	swift build -c release --product hotline
	@[ -x $(TRAIN_VENV)/bin/python ] || python3 -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install -q -r tools/train/requirements.txt
	$(TRAIN_VENV)/bin/python bench/acoustic.py --hotline .build/release/hotline

# Re-runs the acoustic-model pipeline end to end (hours on 2 cores; resumable): see Models/acoustic/README.md.
train-acoustic: deps
	VENV=$(TRAIN_VENV) tools/train/run.sh

# Rebuilds the default voice from flite's rms (Debian flite; a few minutes): see Models/voices/rms/README.md.
voice-rms: bench-setup
	@command -v flite >/dev/null || $(SUDO) apt-get install -y -qq flite
	$(BENCH_PYTHON) tools/make-rms-voice.py

# Re-imports the kal16 voice from Debian's festvox-kallpc16k (only needed to change the importer).
import-voice:
	@dpkg -s festvox-kallpc16k >/dev/null 2>&1 || $(SUDO) apt-get install -y -qq festvox-kallpc16k
	python3 tools/import-kal-voice.py

# Talk-off: false DTMF keys and tones over ../shared/speech and synthetic speech (espeak-ng, flite).
talkoff: bench-setup
	@command -v espeak-ng >/dev/null && command -v flite >/dev/null || $(SUDO) apt-get install -y -qq espeak-ng flite
	$(BENCH_PYTHON) tools/talkoff.py --hotline .build/release/hotline

# Retrains the VAD model (writes Models/vad/vad-model.json and Sources/HotlineDSP/VADModelWeights.swift).
train-vad: bench-setup
	$(BENCH_PYTHON) tools/train-vad.py --hotline .build/release/hotline --mixtures 500

clean:
	rm -rf .build
