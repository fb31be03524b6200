"""URL routes of the example Django API."""

from django.urls import path

from examples.django_app import views

urlpatterns = [
    path("api/items", views.items),
    path("api/me", views.me),
    path("api/error", views.error),
    path("api/crash", views.crash),
    path("api/stream", views.stream),
    path("health", views.health),
]
